//! The OQL subset the exports understand:
//! `SELECT <Class> [[AS] <alias>] [WHERE <cond> [(AND | OR) <cond>]...]`
//! (`AND` binding tighter than `OR`, no parentheses) with
//! `<cond>` = `[<alias>.]<attcode> (= | != | <> | LIKE | NOT LIKE) <value>`
//! and `<value>` a quoted string, a number or a `:name` parameter. Errors
//! read like iTop's parser messages.

use std::collections::BTreeMap;

use crate::model::{self, Class, Kind};
use crate::store::Store;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Equal,
    NotEqual,
    Like,
    NotLike,
}

/// A value to compare with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operand {
    Literal(String),
    Parameter(String),
}

/// One `WHERE` condition.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub attribute: String,
    pub op: Op,
    pub value: Operand,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub class: &'static Class,
    pub alias: String,
    /// Conditions joined by `AND` in each group, groups joined by `OR`
    /// (one empty group: no `WHERE`).
    pub conditions: Vec<Vec<Condition>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: &'static str,
    text: String,
    position: usize,
}

fn lex(oql: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = oql.char_indices().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let (position, c) = chars[index];
        let start = index;
        let kind = if c.is_whitespace() {
            index += 1;
            continue;
        } else if c.is_alphabetic() || c == '_' {
            index = scan(&chars, index + 1, |c| c.is_alphanumeric() || c == '_');
            "NAME"
        } else if c.is_ascii_digit() {
            index = scan(&chars, index + 1, |c| c.is_ascii_digit() || c == '.');
            "NUMVAL"
        } else if c == ':' {
            index = scan(&chars, index + 1, |c| c.is_alphanumeric() || c == '_');
            "VARNAME"
        } else if c == '\'' || c == '"' {
            index = scan_string(&chars, index + 1, c);
            "STRVAL"
        } else {
            let two: String = chars[index..].iter().take(2).map(|(_, c)| c).collect();
            index += if two == "!=" || two == "<>" { 2 } else { 1 };
            "OPERATOR"
        };
        let end = chars.get(index).map_or(oql.len(), |(at, _)| *at);
        let _ = start;
        tokens.push(Token {
            kind,
            text: oql[position..end].to_owned(),
            position,
        });
    }
    tokens
}

fn scan(chars: &[(usize, char)], mut index: usize, keep: impl Fn(char) -> bool) -> usize {
    while index < chars.len() && keep(chars[index].1) {
        index += 1;
    }
    index
}

fn scan_string(chars: &[(usize, char)], mut index: usize, quote: char) -> usize {
    while index < chars.len() {
        match chars[index].1 {
            '\\' => index += 2,
            c if c == quote => return index + 1,
            _ => index += 1,
        }
    }
    chars.len()
}

fn unquote(text: &str) -> String {
    let inner = &text[1..text.len().saturating_sub(1).max(1)];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

struct Parser<'a> {
    oql: &'a str,
    tokens: Vec<Token>,
    next: usize,
}

impl Parser<'_> {
    fn unexpected(&self, at: usize) -> String {
        match self.tokens.get(at) {
            Some(token) => format!(
                "Unexpected token {} - found '{}' at {} in '{}'",
                token.kind, token.text, token.position, self.oql
            ),
            None => format!(
                "Unexpected token EOF - found '' at {} in '{}'",
                self.oql.len(),
                self.oql
            ),
        }
    }

    fn take(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = self
            .tokens
            .get(self.next)
            .is_some_and(|t| t.kind == "NAME" && t.text.eq_ignore_ascii_case(word));
        self.next += usize::from(found);
        found
    }

    fn expect(&mut self, kind: &str) -> Result<Token, String> {
        match self.take() {
            Some(token) if token.kind == kind => Ok(token),
            _ => Err(self.unexpected(self.next - 1)),
        }
    }
}

/// Parses `oql`; `Err` is the parser message (not yet entity-encoded).
pub(crate) fn parse(oql: &str) -> Result<Query, String> {
    let mut parser = Parser {
        oql,
        tokens: lex(oql),
        next: 0,
    };
    if !parser.keyword("SELECT") {
        let at = if parser.tokens.len() > 1 { 1 } else { 0 };
        return Err(parser.unexpected(at));
    }
    let name = parser.expect("NAME")?;
    let Some(class) = model::class(&name.text) else {
        let all: Vec<&str> = model::CLASSES.iter().map(|class| class.name).collect();
        return Err(format!(
            "Unknown class - found '{}' at {} in '{oql}', expecting {{{}}}",
            name.text,
            name.position,
            all.join(", ")
        ));
    };
    let mut alias = class.name.to_owned();
    let has_alias = parser.keyword("AS")
        || parser
            .tokens
            .get(parser.next)
            .is_some_and(|t| t.kind == "NAME" && !t.text.eq_ignore_ascii_case("WHERE"));
    if has_alias {
        alias = parser.expect("NAME")?.text;
    }
    let mut conditions = vec![Vec::new()];
    if parser.keyword("WHERE") {
        loop {
            let parsed = condition(&mut parser, class, &alias)?;
            if let Some(group) = conditions.last_mut() {
                group.push(parsed);
            }
            if parser.keyword("OR") {
                conditions.push(Vec::new());
            } else if !parser.keyword("AND") {
                break;
            }
        }
    }
    if parser.next < parser.tokens.len() {
        return Err(parser.unexpected(parser.next));
    }
    Ok(Query {
        class,
        alias,
        conditions,
    })
}

fn condition(parser: &mut Parser<'_>, class: &Class, alias: &str) -> Result<Condition, String> {
    let mut name = parser.expect("NAME")?;
    if parser
        .tokens
        .get(parser.next)
        .is_some_and(|t| t.text == ".")
        && name.text == alias
    {
        parser.next += 1;
        name = parser.expect("NAME")?;
    }
    if name.text != "id" && class.attribute(&name.text).is_none() {
        let codes: Vec<&str> = class.attributes.iter().map(|a| a.code).collect();
        return Err(format!(
            "Unknown attribute - found '{}' at {} in '{}', expecting {{id, {}}}",
            name.text,
            name.position,
            parser.oql,
            codes.join(", ")
        ));
    }
    let op = if parser.keyword("LIKE") {
        Op::Like
    } else if parser.keyword("NOT") {
        if !parser.keyword("LIKE") {
            return Err(parser.unexpected(parser.next));
        }
        Op::NotLike
    } else {
        match parser.take().map(|t| t.text) {
            Some(text) if text == "=" => Op::Equal,
            Some(text) if text == "!=" || text == "<>" => Op::NotEqual,
            _ => return Err(parser.unexpected(parser.next - 1)),
        }
    };
    let value = match parser.take() {
        Some(token) if token.kind == "STRVAL" => Operand::Literal(unquote(&token.text)),
        Some(token) if token.kind == "NUMVAL" => Operand::Literal(token.text),
        Some(token) if token.kind == "VARNAME" => Operand::Parameter(token.text[1..].to_owned()),
        _ => return Err(parser.unexpected(parser.next - 1)),
    };
    Ok(Condition {
        attribute: name.text,
        op,
        value,
    })
}

/// SQL `LIKE` with `%` and `_`, ignoring case.
fn like(value: &[char], pattern: &[char]) -> bool {
    match pattern.split_first() {
        None => value.is_empty(),
        Some(('%', rest)) => (0..=value.len()).any(|skip| like(&value[skip..], rest)),
        Some((c, rest)) => value.split_first().is_some_and(|(v, tail)| {
            (*c == '_' || v.to_lowercase().eq(c.to_lowercase())) && like(tail, rest)
        }),
    }
}

impl Query {
    /// The `:name` parameters the query needs.
    pub fn parameters(&self) -> Vec<String> {
        let names = self
            .conditions
            .iter()
            .flatten()
            .filter_map(|c| match &c.value {
                Operand::Parameter(name) => Some(name.clone()),
                Operand::Literal(_) => None,
            });
        names.collect()
    }

    /// Ids of the matching objects, in iTop's default order.
    pub fn select(&self, store: &Store, arguments: &BTreeMap<String, String>) -> Vec<u64> {
        let ids = store.sorted_ids(self.class.name).into_iter();
        ids.filter(|id| {
            self.conditions
                .iter()
                .any(|group| group.iter().all(|c| self.holds(store, *id, c, arguments)))
        })
        .collect()
    }

    fn holds(
        &self,
        store: &Store,
        id: u64,
        condition: &Condition,
        arguments: &BTreeMap<String, String>,
    ) -> bool {
        let value = if condition.attribute == "id" {
            id.to_string()
        } else {
            let stored = store.value(self.class.name, id, &condition.attribute);
            let is_key = self
                .class
                .attribute(&condition.attribute)
                .is_some_and(|a| matches!(a.kind, Kind::ExtKey(_)));
            if is_key && stored.is_empty() {
                "0".to_owned()
            } else {
                stored
            }
        };
        let wanted = match &condition.value {
            Operand::Literal(text) => text.clone(),
            Operand::Parameter(name) => arguments.get(name).cloned().unwrap_or_default(),
        };
        let pattern: Vec<char> = wanted.chars().collect();
        let chars: Vec<char> = value.chars().collect();
        match condition.op {
            Op::Equal => value.to_lowercase() == wanted.to_lowercase(),
            Op::NotEqual => value.to_lowercase() != wanted.to_lowercase(),
            Op::Like => like(&chars, &pattern),
            Op::NotLike => !like(&chars, &pattern),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_syntax_errors_like_itop() {
        let err = parse("SELEKT Organization").err();
        assert_eq!(
            err.as_deref(),
            Some("Unexpected token NAME - found 'Organization' at 7 in 'SELEKT Organization'")
        );
        let err = parse("SELECT Nope").err().unwrap_or_default();
        assert!(err.starts_with("Unknown class - found 'Nope' at 7 in 'SELECT Nope', expecting {Organization, Person"), "{err}");
    }

    #[test]
    fn selects_with_like_equal_and_parameters() {
        let store = Store::seeded();
        let query = parse("SELECT Organization WHERE code LIKE 'LAB%'").expect("parses");
        assert_eq!(
            query.select(&store, &BTreeMap::new()),
            vec![2, 3, 4, 7, 8, 6, 9, 5]
        );
        let query =
            parse("SELECT Person AS p WHERE p.org_id = :org AND name != 'Brown'").expect("parses");
        assert_eq!(query.parameters(), vec!["org".to_owned()]);
        let arguments = BTreeMap::from([("org".to_owned(), "2".to_owned())]);
        assert_eq!(query.select(&store, &arguments), vec![2]);
    }

    #[test]
    fn or_binds_looser_than_and() {
        let store = Store::seeded();
        let all = parse("SELECT Organization WHERE code LIKE 'LAB%'").expect("parses");
        let all = all.select(&store, &BTreeMap::new());
        let (first, second) = (all[0].to_string(), all[1].to_string());
        let oql =
            format!("SELECT Organization WHERE id = {first} OR id = {second} AND code = 'none'");
        let query = parse(&oql).expect("parses");
        assert_eq!(query.select(&store, &BTreeMap::new()), vec![all[0]]);
        let oql = format!("SELECT Organization WHERE id = {first} OR id = {second}");
        let query = parse(&oql).expect("parses");
        assert_eq!(query.select(&store, &BTreeMap::new()), vec![all[0], all[1]]);
    }
}
