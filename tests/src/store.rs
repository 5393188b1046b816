//! The objects and replica tables, in memory, optionally mirrored to a
//! JSON state file, with the standard fixture data set.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{self, Kind};

/// One object: attribute code → stored value (ext keys as ids).
pub(crate) type Object = BTreeMap<String, String>;

/// One row of a data source's replica table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Replica {
    pub id: u64,
    /// Column → value (`None` = SQL NULL).
    pub values: BTreeMap<String, Option<String>>,
    /// The synchronized object, once created or reconciled.
    pub dest_id: Option<u64>,
    /// Written since the last synchronization.
    pub touched: bool,
}

/// Everything the services read and write.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Store {
    pub objects: BTreeMap<String, BTreeMap<u64, Object>>,
    pub next_id: BTreeMap<String, u64>,
    /// Data source id → primary key → replica.
    pub replicas: BTreeMap<u32, BTreeMap<String, Replica>>,
    pub next_replica_id: u64,
    /// Lookup indexes built by [`Store::find`] and kept up to date by
    /// `create` and `update`, so that reconciling N rows costs N lookups,
    /// not N scans (a 20,000-row import stays fast).
    #[serde(skip)]
    index: RefCell<Indexes>,
}

/// (class, attribute) → lower-cased value → ids.
type Indexes = HashMap<(String, String), HashMap<String, Vec<u64>>>;

const ORGANIZATIONS: &[(&str, &str)] = &[
    ("My Company/Department", "SOMECODE"),
    ("Lab Org A", "LABA"),
    ("Lab Org B", "LABB"),
    ("Lab Org C", "LABC"),
    ("Société Générale Lab", "LABS"),
    ("Lab Org F", "LABF"),
    ("Lab Org D", "LABD"),
    ("Lab Org E; with semicolon", "LABE"),
    ("Lab Org G", "LABG"),
];

/// first_name, name, org_id, email, employee_number.
const PERSONS: &[(&str, &str, &str, &str, &str)] = &[
    ("Ada", "Admin", "1", "ada.admin@demo.example", "E000"),
    (
        "Alice",
        "Anderson",
        "2",
        "alice.anderson@lab.example",
        "E001",
    ),
    ("Bob", "Brown", "2", "bob.brown@lab.example", "E002"),
    ("Carol", "Clark", "3", "carol.clark@lab.example", "E003"),
    ("Jérôme", "Müller", "5", "jerome.muller@lab.example", "E004"),
    ("Paul", "Portal", "4", "paul.portal@lab.example", "E010"),
    ("Rita", "Reader", "4", "rita.reader@lab.example", "E011"),
    ("Sync", "Bot", "4", "sync.bot@lab.example", "E012"),
];

fn object(pairs: &[(&str, &str)]) -> Object {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

impl Store {
    /// The standard fixture data set (see `ServerConfig`).
    pub fn seeded() -> Store {
        let mut store = Store::default();
        for (name, code) in ORGANIZATIONS {
            store.create("Organization", object(&[("name", name), ("code", code)]));
        }
        for (first_name, name, org_id, email, number) in PERSONS {
            let pairs = [
                ("first_name", *first_name),
                ("name", name),
                ("org_id", org_id),
            ];
            let mut person = object(&pairs);
            person.extend(object(&[("email", email), ("employee_number", number)]));
            store.create("Person", person);
        }
        for login in [
            crate::ADMIN_USER,
            crate::READER_USER,
            crate::SYNC_USER,
            crate::PORTAL_USER,
        ] {
            store.create("UserLocal", object(&[("login", login)]));
        }
        store
    }

    /// Reads a state file.
    pub fn load(path: &Path) -> io::Result<Store> {
        let text = std::fs::read(path)?;
        serde_json::from_slice(&text).map_err(io::Error::other)
    }

    /// Writes a state file (through a temporary file, then a rename).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, path)
    }

    /// The id the next object of `class` will get.
    pub fn next_id(&self, class: &str) -> u64 {
        self.next_id.get(class).copied().unwrap_or(1)
    }

    /// Creates an object (defaults filled in) and returns its id.
    pub fn create(&mut self, class: &str, mut values: Object) -> u64 {
        let id = self.next_id(class);
        self.next_id.insert(class.to_owned(), id + 1);
        let attributes = model::class(class)
            .map(|c| c.attributes)
            .unwrap_or_default();
        for attribute in attributes.iter().filter(|a| a.is_writable()) {
            let value = values.entry(attribute.code.to_owned()).or_default();
            if value.is_empty() {
                attribute.default.clone_into(value);
            }
        }
        for ((indexed_class, attribute), index) in self.index.get_mut().iter_mut() {
            if indexed_class == class {
                let value = values
                    .get(attribute)
                    .map(String::as_str)
                    .unwrap_or_default();
                index.entry(value.to_lowercase()).or_default().push(id);
            }
        }
        self.objects
            .entry(class.to_owned())
            .or_default()
            .insert(id, values);
        id
    }

    /// One object.
    pub fn get(&self, class: &str, id: u64) -> Option<&Object> {
        self.objects.get(class)?.get(&id)
    }

    /// The value of an attribute of an object, external fields computed
    /// (empty if anything is missing).
    pub fn value(&self, class: &str, id: u64, code: &str) -> String {
        let attribute = model::class(class).and_then(|c| c.attribute(code));
        if let Some(Kind::ExtField(key, remote)) = attribute.map(|a| a.kind) {
            let key_kind = model::class(class)
                .and_then(|c| c.attribute(key))
                .map(|a| a.kind);
            let Some(Kind::ExtKey(target)) = key_kind else {
                return String::new();
            };
            let target_id = self.value(class, id, key).parse().unwrap_or(0);
            return self.value(target, target_id, remote);
        }
        let object = self.get(class, id);
        object
            .and_then(|o| o.get(code))
            .cloned()
            .unwrap_or_default()
    }

    /// Sets attributes of an existing object.
    pub fn update(&mut self, class: &str, id: u64, changes: &Object) {
        let found = self
            .objects
            .get_mut(class)
            .and_then(|objects| objects.get_mut(&id));
        if let Some(object) = found {
            for ((indexed_class, attribute), index) in self.index.get_mut().iter_mut() {
                let (Some(new), true) = (changes.get(attribute), indexed_class == class) else {
                    continue;
                };
                let old = object
                    .get(attribute)
                    .map(String::as_str)
                    .unwrap_or_default();
                if let Some(ids) = index.get_mut(&old.to_lowercase()) {
                    ids.retain(|known| *known != id);
                }
                index.entry(new.to_lowercase()).or_default().push(id);
            }
            object.extend(
                changes
                    .iter()
                    .map(|(key, value)| (key.clone(), value.clone())),
            );
        }
    }

    /// How many objects of `class` exist.
    pub fn count(&self, class: &str) -> usize {
        self.objects.get(class).map_or(0, BTreeMap::len)
    }

    /// Ids of the objects whose `attribute` equals `value` (ignoring case,
    /// like MySQL's default collation).
    pub fn find(&self, class: &str, attribute: &str, value: &str) -> Vec<u64> {
        let mut indexes = self.index.borrow_mut();
        let key = (class.to_owned(), attribute.to_owned());
        let index = indexes
            .entry(key)
            .or_insert_with(|| self.build_index(class, attribute));
        let mut ids = index
            .get(&value.to_lowercase())
            .cloned()
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    fn build_index(&self, class: &str, attribute: &str) -> HashMap<String, Vec<u64>> {
        let mut index: HashMap<String, Vec<u64>> = HashMap::new();
        for (id, object) in self.objects.get(class).into_iter().flatten() {
            let stored = object
                .get(attribute)
                .map(String::as_str)
                .unwrap_or_default();
            index.entry(stored.to_lowercase()).or_default().push(*id);
        }
        index
    }

    /// The friendly name of an object (empty if it does not exist).
    pub fn friendly_name(&self, class: &str, id: u64) -> String {
        let (Some(definition), Some(object)) = (model::class(class), self.get(class, id)) else {
            return String::new();
        };
        let parts = definition.friendly_name.iter();
        let parts: Vec<&str> = parts
            .map(|code| object.get(*code).map(String::as_str).unwrap_or_default())
            .collect();
        parts.join(" ")
    }

    /// Ids of `class` in iTop's default order (by friendly name, then id).
    pub fn sorted_ids(&self, class: &str) -> Vec<u64> {
        let ids = self
            .objects
            .get(class)
            .map(|objects| objects.keys().copied().collect());
        let mut ids: Vec<u64> = ids.unwrap_or_default();
        ids.sort_by_cached_key(|id| (self.friendly_name(class, *id), *id));
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_the_fixture_ids() {
        let store = Store::seeded();
        assert_eq!(store.find("Organization", "name", "lab org a"), vec![2]);
        assert_eq!(store.find("Organization", "name", "Lab Org B"), vec![3]);
        assert_eq!(
            store.find("Person", "email", "alice.anderson@lab.example"),
            vec![2]
        );
        assert_eq!(store.next_id("Person"), 9);
        assert_eq!(store.friendly_name("Person", 2), "Alice Anderson");
        assert_eq!(
            store
                .get("Person", 2)
                .and_then(|p| p.get("status"))
                .map(String::as_str),
            Some("active")
        );
    }

    #[test]
    fn round_trips_through_a_state_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        let mut store = Store::seeded();
        store.create("Server", object(&[("name", "srv"), ("org_id", "2")]));
        store.save(&path).expect("saved");
        let loaded = Store::load(&path).expect("loaded");
        assert_eq!(loaded.count("Server"), 1);
        assert_eq!(loaded.get("Server", 1), store.get("Server", 1));
    }
}
