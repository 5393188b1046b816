//! The small data model the imitation knows: Organization, Person, Server
//! and UserLocal, with English labels, enumerations, external keys and
//! default reconciliation keys.
//!
//! Reconciliation defaults (used by `import.php` without
//! `reconciliationkeys`): Organization `name, code` (observed), Person
//! `first_name, name, org_id` (iTop's data model), Server `name` (observed
//! in the `http_post_date_format` sample), UserLocal `login`.

/// How an attribute's value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A one-line string.
    Text,
    /// A multi-line text.
    LongText,
    /// An enumeration: (code, English label) pairs.
    Enum(&'static [(&'static str, &'static str)]),
    /// An external key to objects of that class (stored as the id, `0` =
    /// none).
    ExtKey(&'static str),
    /// A date, stored `Y-m-d`.
    Date,
    /// A read-only external field: (external key code, remote attribute
    /// code), computed, never stored (`org_name`).
    ExtField(&'static str, &'static str),
}

/// One attribute of a class.
#[derive(Debug)]
pub(crate) struct Attribute {
    pub code: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub mandatory: bool,
    /// Value given to new objects when the input has none.
    pub default: &'static str,
}

/// One class of the data model.
#[derive(Debug)]
pub(crate) struct Class {
    pub name: &'static str,
    pub label: &'static str,
    /// Attributes in data-model order.
    pub attributes: &'static [Attribute],
    pub reconciliation: &'static [&'static str],
    /// Attributes joined by a blank to make the friendly name.
    pub friendly_name: &'static [&'static str],
}

const fn att(code: &'static str, label: &'static str, kind: Kind) -> Attribute {
    Attribute {
        code,
        label,
        kind,
        mandatory: false,
        default: "",
    }
}

const fn required(code: &'static str, label: &'static str, kind: Kind) -> Attribute {
    Attribute {
        code,
        label,
        kind,
        mandatory: true,
        default: "",
    }
}

const fn with_default(attribute: Attribute, default: &'static str) -> Attribute {
    Attribute {
        default,
        ..attribute
    }
}

const ACTIVE: &[(&str, &str)] = &[("active", "Active"), ("inactive", "Inactive")];
const SERVER_STATUS: &[(&str, &str)] = &[
    ("implementation", "implementation"),
    ("obsolete", "obsolete"),
    ("production", "production"),
    ("stock", "stock"),
];
const CRITICITY: &[(&str, &str)] = &[("high", "high"), ("low", "low"), ("medium", "medium")];

const ORGANIZATION: Class = Class {
    name: "Organization",
    label: "Organization",
    attributes: &[
        required("name", "Name", Kind::Text),
        att("code", "Code", Kind::Text),
        with_default(att("status", "Status", Kind::Enum(ACTIVE)), "active"),
        with_default(
            att("parent_id", "Parent", Kind::ExtKey("Organization")),
            "0",
        ),
        att(
            "parent_name",
            "Parent name",
            Kind::ExtField("parent_id", "name"),
        ),
    ],
    reconciliation: &["name", "code"],
    friendly_name: &["name"],
};

const PERSON: Class = Class {
    name: "Person",
    label: "Person",
    attributes: &[
        required("name", "Last Name", Kind::Text),
        with_default(att("status", "Status", Kind::Enum(ACTIVE)), "active"),
        with_default(
            required("org_id", "Organization", Kind::ExtKey("Organization")),
            "0",
        ),
        att(
            "org_name",
            "Organization name",
            Kind::ExtField("org_id", "name"),
        ),
        att("email", "Email", Kind::Text),
        att("phone", "Phone", Kind::Text),
        att("function", "Function", Kind::Text),
        required("first_name", "First Name", Kind::Text),
        att("employee_number", "Employee number", Kind::Text),
    ],
    reconciliation: &["first_name", "name", "org_id"],
    friendly_name: &["first_name", "name"],
};

const SERVER: Class = Class {
    name: "Server",
    label: "Server",
    attributes: &[
        required("name", "Name", Kind::Text),
        with_default(
            required("org_id", "Organization", Kind::ExtKey("Organization")),
            "0",
        ),
        att(
            "org_name",
            "Organization name",
            Kind::ExtField("org_id", "name"),
        ),
        with_default(
            att("status", "Status", Kind::Enum(SERVER_STATUS)),
            "production",
        ),
        with_default(
            att(
                "business_criticity",
                "Business criticality",
                Kind::Enum(CRITICITY),
            ),
            "low",
        ),
        att("move2production", "Move to production date", Kind::Date),
        att("description", "Description", Kind::LongText),
        att("serialnumber", "Serial number", Kind::Text),
    ],
    reconciliation: &["name"],
    friendly_name: &["name"],
};

const USER_LOCAL: Class = Class {
    name: "UserLocal",
    label: "Identification local",
    attributes: &[required("login", "Login", Kind::Text)],
    reconciliation: &["login"],
    friendly_name: &["login"],
};

/// Every class, in the order error messages list them.
pub(crate) const CLASSES: &[&Class] = &[&ORGANIZATION, &PERSON, &SERVER, &USER_LOCAL];

/// The class of that exact name.
pub(crate) fn class(name: &str) -> Option<&'static Class> {
    CLASSES.iter().copied().find(|class| class.name == name)
}

impl Class {
    /// The attribute of that exact code.
    pub fn attribute(&self, code: &str) -> Option<&'static Attribute> {
        let attributes: &'static [Attribute] = self.attributes;
        attributes.iter().find(|attribute| attribute.code == code)
    }
}

impl Attribute {
    /// Stored and writable (not a computed external field).
    pub fn is_writable(&self) -> bool {
        !matches!(self.kind, Kind::ExtField(..))
    }

    /// The label shown for a stored value (enumerations only differ).
    pub fn value_label(&self, value: &str) -> String {
        match self.kind {
            Kind::Enum(values) => {
                let found = values.iter().find(|(code, _)| *code == value);
                found.map_or(value, |(_, label)| label).to_owned()
            }
            _ => value.to_owned(),
        }
    }

    /// The enumeration code for an input value (a code, or with
    /// `localized` a label; case-insensitive).
    pub fn enum_code(&self, input: &str, localized: bool) -> Option<&'static str> {
        let Kind::Enum(values) = self.kind else {
            return None;
        };
        let matches = |(code, label): &&(&str, &str)| {
            let candidate = if localized { label } else { code };
            candidate.eq_ignore_ascii_case(input)
        };
        values.iter().find(matches).map(|(code, _)| *code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_classes_attributes_and_enum_codes() {
        let person = class("Person").expect("known");
        let status = person.attribute("status").expect("known");
        assert_eq!(status.enum_code("Inactive", true), Some("inactive"));
        assert_eq!(status.enum_code("Inactive", false), Some("inactive"));
        assert_eq!(status.enum_code("Active", false), Some("active"));
        assert_eq!(status.enum_code("bogus", false), None);
        assert_eq!(status.value_label("active"), "Active");
        assert!(class("person").is_none());
    }
}
