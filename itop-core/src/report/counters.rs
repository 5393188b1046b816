//! The 14 counter lines of a synchronization (PROTOCOL §3.2), shared by
//! `synchro_exec.php` (bare lines) and `synchro_import.php` (`#` lines).

use std::fmt;

/// What one synchronization of a data source did (the 14 counter lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SynchroCounters {
    /// `Replicas`: replicas of the source.
    pub replicas: u64,
    /// `Replicas touched since last synchro`.
    pub replicas_touched: u64,
    /// `Objects deleted`.
    pub deleted: u64,
    /// `Objects deletion errors`.
    pub deletion_errors: u64,
    /// `Objects obsoleted`.
    pub obsoleted: u64,
    /// `Objects obsolescence errors`.
    pub obsolescence_errors: u64,
    /// `Objects created`.
    pub created: u64,
    /// Warnings of the `Objects created` line.
    pub created_warnings: u64,
    /// `Objects creation errors`.
    pub creation_errors: u64,
    /// `Objects updated`.
    pub updated: u64,
    /// Warnings of the `Objects updated` line.
    pub updated_warnings: u64,
    /// `Objects update errors`.
    pub update_errors: u64,
    /// `Objects reconciled (updated)`.
    pub reconciled_updated: u64,
    /// Warnings of the `Objects reconciled (updated)` line.
    pub reconciled_updated_warnings: u64,
    /// `Objects reconciled (unchanged)`.
    pub reconciled_unchanged: u64,
    /// Warnings of the `Objects reconciled (unchanged)` line (iTop repeats
    /// those of the `reconciled (updated)` line there: a bug of iTop).
    pub reconciled_unchanged_warnings: u64,
    /// `Objects reconciliation errors`.
    pub reconciliation_errors: u64,
    /// `Replica disappeared, no action taken`.
    pub disappeared_no_action: u64,
}

impl SynchroCounters {
    /// The sum of the five `… errors` counters.
    pub fn error_total(&self) -> u64 {
        self.deletion_errors
            + self.obsolescence_errors
            + self.creation_errors
            + self.update_errors
            + self.reconciliation_errors
    }

    /// True when any `… errors` counter is above zero (a partial failure).
    pub fn has_errors(&self) -> bool {
        self.error_total() > 0
    }
}

impl fmt::Display for SynchroCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "replicas {} (touched {}), created {}, updated {}, reconciled {}+{}, \
             deleted {}, obsoleted {}, errors {}",
            self.replicas,
            self.replicas_touched,
            self.created,
            self.updated,
            self.reconciled_updated,
            self.reconciled_unchanged,
            self.deleted,
            self.obsoleted,
            self.error_total(),
        )
    }
}

/// The labels, in iTop's order; `true` when the line carries warnings.
const LABELS: [(&str, bool); 14] = [
    ("Replicas", false),
    ("Replicas touched since last synchro", false),
    ("Objects deleted", false),
    ("Objects deletion errors", false),
    ("Objects obsoleted", false),
    ("Objects obsolescence errors", false),
    ("Objects created", true),
    ("Objects creation errors", false),
    ("Objects updated", true),
    ("Objects update errors", false),
    ("Objects reconciled (updated)", true),
    ("Objects reconciled (unchanged)", true),
    ("Objects reconciliation errors", false),
    ("Replica disappeared, no action taken", false),
];

/// The label of the last counter line, which closes a block.
pub(crate) const LAST_LABEL: &str = "Replica disappeared, no action taken";

/// Collects counter lines (matched by label, in any order) into
/// [`SynchroCounters`].
#[derive(Debug, Default)]
pub(crate) struct CounterReader {
    values: [Option<(u64, u64)>; 14],
}

impl CounterReader {
    /// Takes `line` if it is a counter line (`#` prefix allowed); says so.
    pub(crate) fn take(&mut self, line: &str) -> bool {
        let line = line.strip_prefix('#').unwrap_or(line);
        let Some((label, value)) = line.split_once(": ") else {
            return false;
        };
        let Some(index) = LABELS.iter().position(|(known, _)| *known == label) else {
            return false;
        };
        let parsed = if LABELS[index].1 {
            parse_with_warnings(value)
        } else {
            value.trim().parse().ok().map(|n| (n, 0))
        };
        match parsed {
            Some(pair) => {
                self.values[index] = Some(pair);
                true
            }
            None => false,
        }
    }

    /// True once any counter line was taken.
    pub(crate) fn started(&self) -> bool {
        self.values.iter().any(Option::is_some)
    }

    /// The counters, when all 14 lines were seen.
    pub(crate) fn finish(&self) -> Option<SynchroCounters> {
        let v = |i: usize| self.values[i];
        Some(SynchroCounters {
            replicas: v(0)?.0,
            replicas_touched: v(1)?.0,
            deleted: v(2)?.0,
            deletion_errors: v(3)?.0,
            obsoleted: v(4)?.0,
            obsolescence_errors: v(5)?.0,
            created: v(6)?.0,
            created_warnings: v(6)?.1,
            creation_errors: v(7)?.0,
            updated: v(8)?.0,
            updated_warnings: v(8)?.1,
            update_errors: v(9)?.0,
            reconciled_updated: v(10)?.0,
            reconciled_updated_warnings: v(10)?.1,
            reconciled_unchanged: v(11)?.0,
            reconciled_unchanged_warnings: v(11)?.1,
            reconciliation_errors: v(12)?.0,
            disappeared_no_action: v(13)?.0,
        })
    }
}

/// `<n> (<w> warnings)`.
fn parse_with_warnings(value: &str) -> Option<(u64, u64)> {
    let (count, rest) = value.split_once(" (")?;
    let warnings = rest.strip_suffix(" warnings)")?;
    Some((count.trim().parse().ok()?, warnings.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "Replicas: 10
Replicas touched since last synchro: 9
Objects deleted: 1
Objects deletion errors: 2
Objects obsoleted: 3
Objects obsolescence errors: 4
Objects created: 5 (6 warnings)
Objects creation errors: 7
Objects updated: 8 (9 warnings)
Objects update errors: 10
Objects reconciled (updated): 11 (12 warnings)
Objects reconciled (unchanged): 13 (14 warnings)
Objects reconciliation errors: 15
Replica disappeared, no action taken: 16";

    #[test]
    fn reads_all_fourteen_lines() {
        let mut reader = CounterReader::default();
        assert!(BLOCK.lines().all(|line| reader.take(line)));
        let counters = reader.finish().expect("complete block");
        assert_eq!(counters.replicas_touched, 9);
        assert_eq!(counters.reconciled_unchanged_warnings, 14);
        assert_eq!(counters.disappeared_no_action, 16);
        assert_eq!(counters.error_total(), 2 + 4 + 7 + 10 + 15);
    }

    #[test]
    fn incomplete_block_gives_nothing() {
        let mut reader = CounterReader::default();
        assert!(reader.take("#Replicas: 3"));
        assert!(!reader.take("#Objects created: 3"));
        assert!(!reader.take("Working on x (id=1)..."));
        assert!(reader.started());
        assert_eq!(reader.finish(), None);
    }
}
