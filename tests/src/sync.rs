//! Synchronization data sources and the synchronization phase (replicas
//! → objects) shared by `synchro_import.php` and `synchro_exec.php`
//! (PROTOCOL.md §3.2, §4.2).

use crate::auth::Account;
use crate::model::{self, Class, Kind};
use crate::store::{Object, Replica, Store};

/// One synchronization data source.
#[derive(Debug)]
pub(crate) struct DataSource {
    pub id: u32,
    pub name: &'static str,
    pub class: &'static str,
    /// Login of the owner (may synchronize besides administrators).
    pub owner: &'static str,
    /// Replica table name (shown in SQL errors).
    pub table: &'static str,
    /// Attributes that find an existing object for a new replica.
    pub reconciliation: &'static [&'static str],
}

/// The data sources of the fixture set; external keys are matched on the
/// target's `name`.
pub(crate) const SOURCES: &[DataSource] = &[
    DataSource {
        id: 1,
        name: "Lab Person Source",
        class: "Person",
        owner: crate::SYNC_USER,
        table: "synchro_data_lab_person",
        reconciliation: &["email"],
    },
    DataSource {
        id: 2,
        name: "Lab Server Source",
        class: "Server",
        owner: crate::ADMIN_USER,
        table: "synchro_data_lab_server",
        reconciliation: &["name"],
    },
];

/// The data source whose id is exactly `text`.
pub(crate) fn source(text: &str) -> Option<&'static DataSource> {
    let id: u32 = text
        .parse()
        .ok()
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))?;
    SOURCES.iter().find(|source| source.id == id)
}

impl DataSource {
    /// The target class.
    pub fn target(&self) -> &'static Class {
        model::class(self.class).unwrap_or(model::CLASSES[0])
    }

    /// May `account` run this source's synchronization?
    pub fn allows(&self, account: &Account) -> bool {
        account.is_admin() || account.login == self.owner
    }
}

/// The counters of one synchronization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub replicas: usize,
    pub touched: usize,
    pub created: usize,
    pub creation_errors: usize,
    pub updated: usize,
    pub update_errors: usize,
    pub reconciled_updated: usize,
    pub reconciled_unchanged: usize,
    pub reconciliation_errors: usize,
}

impl Counters {
    /// The 14 counter lines, in iTop's order.
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("Replicas: {}", self.replicas),
            format!("Replicas touched since last synchro: {}", self.touched),
            "Objects deleted: 0".into(),
            "Objects deletion errors: 0".into(),
            "Objects obsoleted: 0".into(),
            "Objects obsolescence errors: 0".into(),
            format!("Objects created: {} (0 warnings)", self.created),
            format!("Objects creation errors: {}", self.creation_errors),
            format!("Objects updated: {} (0 warnings)", self.updated),
            format!("Objects update errors: {}", self.update_errors),
            format!(
                "Objects reconciled (updated): {} (0 warnings)",
                self.reconciled_updated
            ),
            format!(
                "Objects reconciled (unchanged): {} (0 warnings)",
                self.reconciled_unchanged
            ),
            format!(
                "Objects reconciliation errors: {}",
                self.reconciliation_errors
            ),
            "Replica disappeared, no action taken: 0".into(),
        ]
    }
}

/// The counters of a synchronization that did not start.
pub(crate) fn not_started(store: &Store, source: &DataSource) -> Counters {
    let replicas = store
        .replicas
        .get(&source.id)
        .map_or(0, |table| table.len());
    Counters {
        replicas,
        ..Counters::default()
    }
}

/// The object values a replica asks for; `None` when an external key
/// cannot be resolved.
fn wanted_values(store: &Store, class: &Class, replica: &Replica) -> Option<Object> {
    let mut values = Object::new();
    for (column, value) in &replica.values {
        let attribute = class.attribute(column).filter(|a| a.is_writable());
        let (Some(attribute), Some(value)) = (attribute, value) else {
            continue;
        };
        let value = match attribute.kind {
            Kind::ExtKey(_) if value.is_empty() => "0".to_owned(),
            Kind::ExtKey(target) => match store.find(target, "name", value).as_slice() {
                [id] => id.to_string(),
                _ => return None,
            },
            _ => value.clone(),
        };
        values.insert(column.clone(), value);
    }
    Some(values)
}

fn changes(store: &Store, class: &str, id: u64, wanted: &Object) -> Object {
    let current = store.get(class, id);
    let differs =
        |(key, value): &(&String, &String)| current.and_then(|o| o.get(*key)) != Some(*value);
    wanted
        .iter()
        .filter(differs)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn complete(class: &Class, wanted: &Object) -> bool {
    let present = |code: &str| wanted.get(code).is_some_and(|v| !v.is_empty() && v != "0");
    class
        .attributes
        .iter()
        .filter(|a| a.mandatory)
        .all(|a| present(a.code))
}

/// Applies one touched replica; returns its new destination.
fn apply(
    store: &mut Store,
    source: &DataSource,
    replica: &Replica,
    counters: &mut Counters,
) -> Option<u64> {
    let class = source.target();
    let wanted = wanted_values(store, class, replica);
    if let Some(id) = replica
        .dest_id
        .filter(|id| store.get(class.name, *id).is_some())
    {
        let Some(wanted) = wanted else {
            counters.update_errors += 1;
            return Some(id);
        };
        let changes = changes(store, class.name, id, &wanted);
        if !changes.is_empty() {
            store.update(class.name, id, &changes);
            counters.updated += 1;
        }
        return Some(id);
    }
    let key_value = |code: &&str| {
        replica
            .values
            .get(*code)
            .cloned()
            .flatten()
            .unwrap_or_default()
    };
    let keys: Vec<(&str, String)> = source
        .reconciliation
        .iter()
        .map(|code| (*code, key_value(code)))
        .collect();
    let mut found: Option<Vec<u64>> = None;
    for (code, value) in &keys {
        let ids = store.find(class.name, code, value);
        found = Some(found.map_or(ids.clone(), |old| {
            old.into_iter().filter(|id| ids.contains(id)).collect()
        }));
    }
    match (found.unwrap_or_default().as_slice(), wanted) {
        ([id], Some(wanted)) => {
            let changes = changes(store, class.name, *id, &wanted);
            store.update(class.name, *id, &changes);
            let counter = if changes.is_empty() {
                &mut counters.reconciled_unchanged
            } else {
                &mut counters.reconciled_updated
            };
            *counter += 1;
            Some(*id)
        }
        ([_], None) => {
            counters.update_errors += 1;
            None
        }
        ([], Some(wanted)) if complete(class, &wanted) => {
            counters.created += 1;
            Some(store.create(class.name, wanted))
        }
        ([], _) => {
            counters.creation_errors += 1;
            None
        }
        _ => {
            counters.reconciliation_errors += 1;
            None
        }
    }
}

/// Runs the synchronization of the replicas touched since the last one.
pub(crate) fn synchronize(store: &mut Store, source: &DataSource) -> Counters {
    let mut counters = not_started(store, source);
    let table = store.replicas.get(&source.id).cloned().unwrap_or_default();
    let mut touched: Vec<(String, Replica)> =
        table.into_iter().filter(|(_, r)| r.touched).collect();
    touched.sort_by_key(|(_, replica)| replica.id);
    counters.touched = touched.len();
    for (key, mut replica) in touched {
        replica.dest_id = apply(store, source, &replica, &mut counters);
        replica.touched = false;
        store
            .replicas
            .entry(source.id)
            .or_default()
            .insert(key, replica);
    }
    counters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replica(id: u64, pairs: &[(&str, &str)]) -> Replica {
        let values = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
            .collect();
        Replica {
            id,
            values,
            dest_id: None,
            touched: true,
        }
    }

    #[test]
    fn creates_reconciles_and_counts_errors() {
        let mut store = Store::seeded();
        let rows = [
            (
                "P-1",
                replica(
                    1,
                    &[
                        ("first_name", "Kate"),
                        ("name", "Kelly"),
                        ("email", "kate@x"),
                        ("org_id", "Lab Org A"),
                    ],
                ),
            ),
            (
                "P-2",
                replica(
                    2,
                    &[
                        ("first_name", "Alice"),
                        ("name", "Anderson"),
                        ("email", "alice.anderson@lab.example"),
                        ("org_id", "Lab Org A"),
                    ],
                ),
            ),
            (
                "P-3",
                replica(
                    3,
                    &[
                        ("first_name", "No"),
                        ("name", "Org"),
                        ("email", "n@x"),
                        ("org_id", "Nowhere"),
                    ],
                ),
            ),
        ];
        store.replicas.insert(
            1,
            rows.into_iter().map(|(k, r)| (k.to_owned(), r)).collect(),
        );
        let source = source("1").expect("known");
        let counters = synchronize(&mut store, source);
        assert_eq!(
            (counters.replicas, counters.touched, counters.created),
            (3, 3, 1)
        );
        assert_eq!(
            (counters.reconciled_unchanged, counters.creation_errors),
            (1, 1)
        );
        assert_eq!(store.find("Person", "email", "kate@x"), vec![9]);
        let again = synchronize(&mut store, source);
        assert_eq!((again.touched, again.created), (0, 0));
        assert!(super::source(" 1").is_none() && super::source("999").is_none());
    }
}
