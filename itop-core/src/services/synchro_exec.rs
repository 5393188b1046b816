//! `synchro/synchro_exec.php`: run the synchronization of data sources.

use super::{Field, Request, flag};
use crate::{Error, Result, Service};

/// The synchronization of one or more data sources, in the given order.
///
/// Sent by default: `simulate=0`. Ids go on the wire as `1,2` (iTop does not
/// trim the items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynchroExecRequest {
    data_sources: Vec<u32>,
    simulate: bool,
    max_chunk_size: Option<u32>,
}

impl SynchroExecRequest {
    /// Synchronize these data sources, in this order.
    pub fn new(data_sources: impl IntoIterator<Item = u32>) -> SynchroExecRequest {
        SynchroExecRequest {
            data_sources: data_sources.into_iter().collect(),
            simulate: false,
            max_chunk_size: None,
        }
    }

    /// Roll each source back after computing the report. Off by default.
    pub fn simulate(mut self, simulate: bool) -> SynchroExecRequest {
        self.simulate = simulate;
        self
    }

    /// Synchronize in child processes of at most `size` replicas. Command-line
    /// mode only; unset by default.
    pub fn max_chunk_size(mut self, size: u32) -> SynchroExecRequest {
        self.max_chunk_size = Some(size);
        self
    }

    /// The requested data sources.
    pub fn data_sources(&self) -> &[u32] {
        &self.data_sources
    }
}

impl Request for SynchroExecRequest {
    fn service(&self) -> Service {
        Service::SynchroExec
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        if self.data_sources.is_empty() || self.data_sources.contains(&0) {
            return Err(Error::InvalidRequest {
                field: "data_sources",
                reason: "give at least one data source id (ids start at 1)".to_owned(),
            });
        }
        let ids: Vec<String> = self.data_sources.iter().map(u32::to_string).collect();
        Ok(vec![
            ("data_sources".into(), ids.join(",")),
            ("simulate".into(), flag(self.simulate)),
        ])
    }

    fn max_chunk_size(&self) -> Option<u32> {
        self.max_chunk_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_joined_without_blanks() {
        let fields = SynchroExecRequest::new([1, 2]).wire_fields().unwrap();
        assert_eq!(fields[0], ("data_sources".into(), "1,2".to_owned()));
    }

    #[test]
    fn no_source_is_refused() {
        assert!(SynchroExecRequest::new([]).wire_fields().is_err());
    }
}
