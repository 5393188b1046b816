//! `itop_synchro_counters`: the 14 counter lines of a synchronization.

use itop_core::report::SynchroCounters;

/// What one synchronization of a data source did. The `*_errors`
/// counters above 0 are a partial failure.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct itop_synchro_counters {
    /// Replicas of the source.
    pub replicas: u64,
    /// Replicas touched since the last synchronization.
    pub replicas_touched: u64,
    /// Objects deleted.
    pub deleted: u64,
    /// Objects that could not be deleted.
    pub deletion_errors: u64,
    /// Objects obsoleted.
    pub obsoleted: u64,
    /// Objects that could not be obsoleted.
    pub obsolescence_errors: u64,
    /// Objects created.
    pub created: u64,
    /// Warnings of the created objects.
    pub created_warnings: u64,
    /// Objects that could not be created.
    pub creation_errors: u64,
    /// Objects updated.
    pub updated: u64,
    /// Warnings of the updated objects.
    pub updated_warnings: u64,
    /// Objects that could not be updated.
    pub update_errors: u64,
    /// Objects reconciled and updated.
    pub reconciled_updated: u64,
    /// Warnings of the reconciled and updated objects.
    pub reconciled_updated_warnings: u64,
    /// Objects reconciled, unchanged.
    pub reconciled_unchanged: u64,
    /// Warnings of the reconciled, unchanged objects.
    pub reconciled_unchanged_warnings: u64,
    /// Objects that could not be reconciled.
    pub reconciliation_errors: u64,
    /// Replicas gone, no action taken.
    pub disappeared_no_action: u64,
    /// The sum of the five `*_errors` counters.
    pub error_total: u64,
}

impl From<&SynchroCounters> for itop_synchro_counters {
    fn from(c: &SynchroCounters) -> itop_synchro_counters {
        itop_synchro_counters {
            replicas: c.replicas,
            replicas_touched: c.replicas_touched,
            deleted: c.deleted,
            deletion_errors: c.deletion_errors,
            obsoleted: c.obsoleted,
            obsolescence_errors: c.obsolescence_errors,
            created: c.created,
            created_warnings: c.created_warnings,
            creation_errors: c.creation_errors,
            updated: c.updated,
            updated_warnings: c.updated_warnings,
            update_errors: c.update_errors,
            reconciled_updated: c.reconciled_updated,
            reconciled_updated_warnings: c.reconciled_updated_warnings,
            reconciled_unchanged: c.reconciled_unchanged,
            reconciled_unchanged_warnings: c.reconciled_unchanged_warnings,
            reconciliation_errors: c.reconciliation_errors,
            disappeared_no_action: c.disappeared_no_action,
            error_total: c.error_total(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_total_is_carried_over() {
        let core = SynchroCounters {
            creation_errors: 2,
            update_errors: 1,
            created: 5,
            ..SynchroCounters::default()
        };
        let c = itop_synchro_counters::from(&core);
        assert_eq!((c.created, c.creation_errors, c.error_total), (5, 2, 3));
    }
}
