//! Tests of the whole `params` module: the quirk table, lint positions,
//! loading lists of files, the example files, and property tests (reader
//! against a plain reimplementation of iTop's PHP, writer→reader round
//! trips, no panic on arbitrary bytes).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::grammar::{self, scan};
use super::writer::render;
use super::*;
use crate::Service;

fn parse(text: &str) -> Params {
    Params::parse(text.as_bytes(), Path::new("t.params"))
}

/// The single entry iTop reads from `line`, or `None` when it ignores it.
fn read_line(line: &str) -> Option<(String, String)> {
    let params = parse(line);
    assert!(params.len() <= 1, "{line:?} gave {params:?}");
    params
        .iter()
        .next()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
}

#[test]
fn reads_each_quirk_as_itop_does() {
    // (line, Some((key, value)) or None when iTop ignores the line)
    let table: &[(&str, Option<(&str, &str)>)] = &[
        ("auth_user = admin", Some(("auth_user", "admin"))),
        ("auth_pwd=abc=def", Some(("auth_pwd=abc", "def"))),
        ("auth_pwd = abc=def", Some(("auth_pwd", "abc=def"))),
        ("a=b = c", Some(("a=b", "c"))),
        ("k = v w = z", Some(("k", "v w = z"))),
        ("k2=v w=z", Some(("k2", "v w=z"))),
        ("x==y", Some(("x=", "y"))),
        ("=value", Some(("", "value"))),
        ("url=http://h/p?a=b", Some(("url=http://h/p?a", "b"))),
        ("url = http://h/p?a=b", Some(("url", "http://h/p?a=b"))),
        ("auth_pwd = s3cr#et", Some(("auth_pwd", "s3cr"))),
        ("key=val # note", Some(("key", "val"))),
        ("key=#all comment", Some(("key", ""))),
        ("pwd=  spaced  ", Some(("pwd", "spaced"))),
        ("pwd=\"quoted\"", Some(("pwd", "\"quoted\""))),
        ("pwd='single'", Some(("pwd", "'single'"))),
        ("key=", Some(("key", ""))),
        ("key =", Some(("key", ""))),
        ("\tkey\t=\tv\t", Some(("key", "v"))),
        ("k = a\tb", Some(("k", "a\tb"))),
        ("Key = v", Some(("Key", "v"))),
        ("key with space = x", None),
        ("sp ace=1", None),
        ("noequals", None),
        ("# c = d", None),
        ("   # c", None),
        ("", None),
        ("k#x = v", None),
        (
            "\u{feff}auth_user=admin",
            Some(("\u{feff}auth_user", "admin")),
        ),
        ("a=1\rb=2", Some(("a", "1\rb=2"))),
        ("k = v\r", Some(("k", "v"))),
        // Form feed: a blank for the regex, not trimmed.
        ("k = v\u{c}", Some(("k", "v\u{c}"))),
        ("\u{c} = v", Some(("", "v"))),
        ("\u{c}k=v", None),
        ("k\u{c}=v", Some(("k", "v"))),
        // NUL: trimmed at the ends, not a blank inside.
        ("\0k=v\0", Some(("k", "v"))),
        ("k\0 = v", Some(("k\0", "v"))),
        ("k = \0\u{b} v \u{b}\0", Some(("k", "v"))),
        // Non-ASCII blanks are ordinary characters.
        ("k\u{a0}= v", Some(("k\u{a0}", "v"))),
        ("k = é\u{a0}", Some(("k", "é\u{a0}"))),
        ("k\u{a0}x y = v", None),
    ];
    for (line, expected) in table {
        let expected = expected.map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(read_line(line), expected, "line {line:?}");
    }
}

#[test]
fn later_duplicates_win_in_first_position() {
    let params = parse("a = 1\nb = 2\na = 3\n");
    let pairs: Vec<_> = params.iter().collect();
    assert_eq!(pairs, vec![("a", "3"), ("b", "2")]);
    let origin = params.origin("a").map(|o| (o.line, o.key_column, o.column));
    assert_eq!(origin, Some((3, 1, 5)));
}

#[test]
fn origins_count_characters_not_bytes() {
    let params = parse("\n  é=ü = x");
    let origin = params.origin("é=ü").cloned();
    let expected = Origin {
        path: Some(PathBuf::from("t.params")),
        line: 2,
        column: 9,
        key_column: 3,
    };
    assert_eq!(origin, Some(expected));
}

/// (line, column, severity, start of the message) of each finding.
fn positions(findings: &[Finding]) -> Vec<(usize, usize, Severity, String)> {
    findings
        .iter()
        .map(|f| {
            let head: String = f.message.chars().take(24).collect();
            (f.line, f.column, f.severity, head)
        })
        .collect()
}

#[test]
fn lint_points_at_the_offending_character() {
    let text = "\u{feff}auth_user=admin\n\
                auth_pwd=abc=def\n\
                comment = s3cr#et\n\
                class name = Person\n\
                simulate\n\
                separator = \"tab\"\n\
                a = 1\r b = 2\n\
                class = Team\n\
                qualifier = # none\n\
                =x\n\
                k = v\u{c}\n\
                # k = commented out, no finding\n\
                date#format = d\n";
    let findings = parse(text).lint(Some(Service::Import));
    let changed = Severity::Changed;
    let warning = Severity::Warning;
    let expected = vec![
        (1, 1, changed, "the file starts with a U".to_owned()),
        (2, 9, changed, "the key contains `=`: iT".to_owned()),
        (3, 15, changed, "value cut at `#`: iTop d".to_owned()),
        (4, 6, changed, "line ignored: a blank fo".to_owned()),
        (5, 1, changed, "line ignored: there is n".to_owned()),
        (6, 13, warning, "quotes are kept: iTop re".to_owned()),
        (7, 6, changed, "carriage return inside t".to_owned()),
        (7, 1, changed, "`a` is not a parameter o".to_owned()),
        (9, 13, warning, "`qualifier` is set to th".to_owned()),
        (10, 1, changed, "nothing before `=`: this".to_owned()),
        (11, 6, changed, "form feed at the end of ".to_owned()),
        (11, 1, changed, "`k` is not a parameter o".to_owned()),
        (13, 5, changed, "line ignored: the `#` st".to_owned()),
    ];
    let mut found = positions(&findings);
    // Findings are sorted by line and column; compare as sets per line.
    found.sort_by_key(|f| (f.0, f.3.clone()));
    let mut expected = expected;
    expected.sort_by_key(|f| (f.0, f.3.clone()));
    assert_eq!(found, expected);
}

#[test]
fn lint_messages_explain_and_hide_secrets() {
    let params = parse("auth_pwd = s3cr#et\nauth_pwd=top=secret\n");
    let findings = params.lint(None);
    let all: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        all[0],
        "t.params:1:16: changed: value cut at `#`: iTop drops everything from the first \
         `#`, so `auth_pwd` gets `***`; a value cannot contain `#` in a parameters file, \
         pass it on the command line instead"
    );
    assert!(
        all.iter()
            .all(|line| !line.contains("top") && !line.contains("s3cr"))
    );
}

/// Cases a tester found: secrets behind misspelled keys or after a blank,
/// a BOM in the middle of joined files, the first of several
/// definitions, an `output` that stops the import, a very long value.
#[test]
fn lint_hides_misspelled_secrets_and_sees_joined_files() {
    let text = "auth_user = admin\n\u{feff}auth_pwd = x\nauth_pw = SECRET7\n\
                auth_passwd = SECRET8\nauth_pwd Xk9=tr4p\nclass=1\nclass=2\nclass=3\n\
                output = details!\n";
    let params = parse(text);
    let findings = params.lint(Some(Service::Import));
    let report = render_check(&params, &findings);
    for secret in ["SECRET7", "SECRET8", "Xk9", "tr4p"] {
        assert!(!report.contains(secret), "{secret} in\n{report}");
    }
    let at = |line: usize| {
        findings
            .iter()
            .filter(|f| f.line == line)
            .map(|f| (f.column, f.severity, f.message.as_str()))
            .collect::<Vec<_>>()
    };
    assert!(
        matches!(at(2).as_slice(), [(1, Severity::Changed, m)]
            if m.starts_with("this line starts with a UTF-8 byte order mark")),
        "{:?}",
        at(2)
    );
    assert!(
        matches!(at(5).as_slice(), [(9, Severity::Changed, m)]
            if m.starts_with("line ignored: a blank follows `auth_pwd` before the `=`")),
        "{:?}",
        at(5)
    );
    assert!(
        at(8)
            .iter()
            .any(|(_, _, m)| m.contains("(first at line 6)")),
        "{:?}",
        at(8)
    );
    assert!(
        matches!(at(9).as_slice(), [(10, Severity::Changed, m)] if m.contains("#Unknown output format")),
        "{:?}",
        at(9)
    );
}

#[test]
fn lines_php_regex_gives_up_on_are_ignored_with_a_finding() {
    let limit = grammar::REGEX_GIVES_UP_AT;
    for (text, read) in [
        (format!("k={}\n", "v".repeat(limit - 1)), true),
        (format!("k={}\n", "v".repeat(limit)), false),
        (format!("k=a={} # c\n", "v".repeat(limit)), false),
        (format!("k = {}\n", "v".repeat(limit * 2)), true),
        (format!("k={} x\n", "v".repeat(limit - 1)), true),
    ] {
        let params = parse(&text);
        assert_eq!(params.len(), usize::from(read), "{}", &text[..12]);
        assert_eq!(
            params.iter().next().map(|(k, _)| k.to_owned()),
            reference(text.as_bytes()).first().map(|(k, _)| k.clone())
        );
        let findings = params.lint(None);
        let gave_up = findings
            .iter()
            .any(|f| f.message.contains("pcre.backtrack_limit"));
        assert_eq!(gave_up, !read, "{}", &text[..12]);
        if !read {
            assert!(findings.iter().all(|f| f.message.len() < 400));
        }
    }
}

#[test]
fn render_check_survives_a_very_long_value() {
    let long = "v".repeat(70_000);
    let params = parse(&format!("a=b\nk={long}\n"));
    let report = render_check(&params, &params.lint(None));
    assert!(
        report.starts_with("a = b  (t.params:1:3)\n"),
        "{}",
        &report[..40]
    );
    assert!(report.contains(&format!("k = {long}  (t.params:2:3)\n")));
}

#[test]
fn lint_unknown_keys_with_suggestions() {
    let params =
        parse("auth_login = x\nmax_chunk_size = 10\ncsvdata = a;b\nzzz = 1\narg_org = 3\n");
    let findings = params.lint(Some(Service::Import));
    let messages: Vec<(usize, &str)> = findings
        .iter()
        .map(|f| (f.line, f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                1,
                "`auth_login` is not a parameter of webservices/import.php: iTop ignores it; \
                 did you mean `auth_user`?"
            ),
            (
                2,
                "`max_chunk_size` is not a parameter of webservices/import.php: iTop ignores \
                 it (only synchro/synchro_exec.php, synchro/synchro_import.php read it)"
            ),
            (
                3,
                "`csvdata` is read from the POST body only, never from a parameters file; use \
                 `csvfile` on the command line or send the data in the request"
            ),
            (
                4,
                "`zzz` is not a parameter of webservices/import.php: iTop ignores it"
            ),
            (
                5,
                "`arg_org` is not a parameter of webservices/import.php: iTop ignores it \
                 (only webservices/export-v2.php, webservices/export.php read it)"
            ),
        ]
    );
    // Without a service, only keys no service reads are reported.
    let lines: Vec<usize> = params.lint(None).iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![1, 3, 4]);
}

#[test]
fn lint_values_the_filters_change() {
    let text = "output = details!\nsimulate = yes\nsynchronize = true\n\
                no_stop_on_import_error = 1\nmax_chunk_size = 1.5\n";
    let findings = parse(text).lint(Some(Service::SynchroImport));
    let found: Vec<(usize, usize, Severity)> = findings
        .iter()
        .map(|f| (f.line, f.column, f.severity))
        .collect();
    let changed = Severity::Changed;
    assert_eq!(
        found,
        vec![
            (1, 10, changed),
            (2, 12, changed),
            (3, 15, changed),
            (5, 18, changed)
        ]
    );
    assert_eq!(
        findings[0].message,
        "`output = details!` is silently replaced by the default `summary`: this parameter \
         accepts only letters, digits, blank, `_`, `=` and `-`"
    );
    assert!(
        findings[1]
            .message
            .starts_with("`simulate = yes` is read as off")
    );
}

#[test]
fn lint_service_specific_filters() {
    let cron = parse("verbose = no\ndebug = yes\n").lint(Some(Service::Cron));
    assert_eq!(cron.len(), 1);
    assert!(
        cron[0]
            .message
            .starts_with("`verbose = no` turns `verbose` on")
    );

    let export = parse("no_localize = yes\n").lint(Some(Service::Export));
    assert!(
        export[0]
            .message
            .starts_with("`no_localize = yes` is read as ``")
    );

    let import = parse("output = <details>\n").lint(Some(Service::Import));
    assert!(import[0].message.contains("HTML-encodes"));

    let exec = parse("data_sources = 1, 2\n").lint(Some(Service::SynchroExec));
    assert!(exec[0].message.ends_with("write `1,2`"));
}

#[test]
fn clean_file_has_no_findings() {
    let params = parse("auth_user = admin\nauth_pwd = a=b c\nclass = Person\n");
    assert_eq!(params.lint(Some(Service::Import)), Vec::new());
}

#[test]
fn invalid_utf8_is_a_positioned_finding_and_a_load_error() -> Result<(), Box<dyn std::error::Error>>
{
    let bytes = b"# caf\xe9 in a comment is fine\nok = 1\ncomment = caf\xe9\n";
    let params = Params::parse(bytes, Path::new("latin1.params"));
    assert_eq!(params.get("comment"), Some("caf\u{fffd}"));
    let findings = params.lint(None);
    let first = findings
        .iter()
        .find(|f| f.message.contains("UTF-8"))
        .map(|f| (f.line, f.column, f.severity));
    assert_eq!(first, Some((3, 14, Severity::Changed)));

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("latin1.params");
    std::fs::write(&path, bytes)?;
    let err = Params::load_paths(std::slice::from_ref(&path)).err();
    assert_eq!(err.map(|e| (e.line, e.column)), Some((3, 14)));
    Ok(())
}

#[test]
fn load_merges_itop_style_lists() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let wrong = dir.path().join("wrong.params");
    let good = dir.path().join("good.params");
    std::fs::write(
        &wrong,
        "auth_user = admin\nauth_pwd = wrong\nclass = Person\n",
    )?;
    std::fs::write(&good, "auth_pwd = good\n")?;
    let list = format!(" {} , ,0,{} ", wrong.display(), good.display());
    let params = Params::load(&list)?;
    let pairs: Vec<_> = params.iter().collect();
    assert_eq!(
        pairs,
        vec![
            ("auth_user", "admin"),
            ("auth_pwd", "good"),
            ("class", "Person")
        ]
    );
    assert_eq!(
        params.origin("auth_pwd").and_then(|o| o.path.clone()),
        Some(good)
    );
    assert_eq!(params.files().len(), 2);
    Ok(())
}

#[test]
fn load_reports_missing_file_at_line_zero() {
    let err = Params::load("/nonexistent/dir/x.params").err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some("/nonexistent/dir/x.params: could not find the parameter file".to_owned())
    );
}

#[test]
fn render_check_shows_values_origins_and_findings() {
    let mut params = parse("auth_user = admin\nauth_pwd = s3cret\nclass = Pers#on\n");
    params.set("simulate", "1");
    let findings = params.lint(Some(Service::Import));
    let report = render_check(&params, &findings);
    assert_eq!(
        report,
        "auth_user = admin  (t.params:1:13)\n\
         auth_pwd = ***     (t.params:2:12)\n\
         class = Pers       (t.params:3:9)\n\
         simulate = 1       (command line)\n\
         \n\
         t.params:3:13: changed: value cut at `#`: iTop drops everything from the first \
         `#`, so `class` gets `Pers`; a value cannot contain `#` in a parameters file, \
         pass it on the command line instead\n\
         1 finding(s) where iTop will not do what is written, 0 warning(s)\n"
    );
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/params")
}

#[test]
fn clean_examples_have_no_findings() -> Result<(), ParamsError> {
    for (file, service) in [
        ("import.params", Service::Import),
        ("synchro.params", Service::SynchroImport),
    ] {
        let params = Params::load_paths(&[examples_dir().join(file)])?;
        assert_eq!(params.lint(Some(service)), Vec::new(), "{file}");
        assert!(params.len() >= 7, "{file}");
    }
    Ok(())
}

#[test]
fn quirks_example_shows_every_kind_of_finding() -> Result<(), ParamsError> {
    let params = Params::load_paths(&[examples_dir().join("quirks.params")])?;
    assert_eq!(params.get("auth_pwd=abc"), Some("def"));
    assert_eq!(params.get("auth_password"), Some("s3cr"));
    assert_eq!(params.get("no_localize"), Some("1\rcomment=x"));
    let findings = params.lint(Some(Service::Import));
    let report = render_check(&params, &findings);
    assert!(report.contains("\\u{feff}auth_user = admin"));
    assert!(!report.contains("s3cr"));
    let lines: Vec<usize> = findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![1, 6, 8, 8, 10, 12, 14, 16, 19, 21, 24, 26, 26]);
    Ok(())
}

/// iTop's reader, written plainly on bytes after its PHP: split on `\n`,
/// trim, cut at `#`, trim, then `^(\S*)\s*=(.*)$` with backtracking.
/// PHP's `trim()`.
fn php_trim(s: &[u8]) -> &[u8] {
    let is_trim = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0B);
    let start = s.iter().position(|b| !is_trim(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_trim(b)).map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

/// What iTop makes of one line (split on `\n`): the key and the value, as
/// byte strings, or `None` when the line is ignored.
fn reference_line(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let line = php_trim(raw);
    let line = php_trim(&line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())]);
    let run = line.iter().position(|&b| blank(b)).unwrap_or(line.len());
    let after = run + line[run..].iter().take_while(|&&b| blank(b)).count();
    if after > run && line.get(after) == Some(&b'=') {
        Some((&line[..run], php_trim(&line[after + 1..])))
    } else {
        let eq = line[..run].iter().rposition(|&b| b == b'=')?;
        // PCRE's backtracking over the rest of the word hits PHP's limit.
        if run - eq > grammar::REGEX_GIVES_UP_AT {
            return None;
        }
        Some((&line[..eq], php_trim(&line[eq + 1..])))
    }
}

/// A plain reimplementation of iTop's reader: the keys and values, later
/// duplicates replacing earlier values in place.
fn reference(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for raw in bytes.split(|&b| b == b'\n') {
        let Some((key, value)) = reference_line(raw) else {
            continue;
        };
        let key = String::from_utf8_lossy(key).into_owned();
        let value = String::from_utf8_lossy(value).into_owned();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => out.push((key, value)),
        }
    }
    out
}

/// pest is built without its stack guard (see `grammar.rs`): the grammar
/// has no recursive rule, so long lines and long runs of `=` or blanks
/// are read in loops, on a small stack.
#[test]
fn long_runs_need_no_deep_stack() -> std::thread::Result<()> {
    let reader = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(|| {
            let mut text = "=".repeat(300_000);
            text.push('\n');
            text.push_str(&" ".repeat(300_000));
            text.push_str("k=");
            text.push_str(&"a=".repeat(100_000));
            text.push_str("\n#");
            text.push_str(&"\t".repeat(100_000));
            let params = Params::parse(text.as_bytes(), Path::new("long.params"));
            let lines = scan(&text).count();
            (
                params.len(),
                params.get(&"=".repeat(299_999)).map(str::len),
                lines,
            )
        })
        .map_err(|err| Box::new(err) as Box<dyn std::any::Any + Send>)?;
    let (keys, value, lines) = reader.join()?;
    assert_eq!((keys, value, lines), (2, Some(0), 3));
    Ok(())
}

/// Bytes that matter to the reader, plus pieces of UTF-8 (`é`, the BOM,
/// a no-break space) and a byte that is never UTF-8.
fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"ab=  \t#\n\r\0\x0b\x0c\"\xc3\xa9\xef\xbb\xbf\xc2\xa0\xff".to_vec();
    prop::collection::vec(prop::sample::select(alphabet), 0..120)
}

/// Characters for keys and values, blanks and separators included.
fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    let alphabet = vec![
        'a', 'Z', '_', '-', '=', '#', ' ', '\t', '\r', '\n', '\0', '\u{b}', '\u{c}', '"', 'é',
        '\u{a0}', '\u{feff}', '€',
    ];
    prop::collection::vec(prop::sample::select(alphabet), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    // No regression files: they would land outside this module's folder.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn reader_agrees_with_itops_algorithm(bytes in tricky_bytes()) {
        let params = Params::parse(&bytes, Path::new("p"));
        let ours: Vec<(String, String)> =
            params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        prop_assert_eq!(ours, reference(&bytes));
    }

    #[test]
    fn every_line_has_the_shape_itop_gives_it(text in tricky_text(120)) {
        let lines: Vec<_> = scan(&text).collect();
        let raws: Vec<&str> = text.split('\n').collect();
        prop_assert_eq!(lines.len(), raws.len());
        let mut start = 0;
        for (number, (line, raw)) in lines.iter().zip(&raws).enumerate() {
            prop_assert_eq!(line.number, number + 1);
            prop_assert_eq!(line.start, start);
            prop_assert_eq!(line.text, *raw);
            prop_assert_eq!(line.comment, raw.find('#'));
            start += raw.len() + 1;
            let before = &raw[..raw.find('#').unwrap_or(raw.len())];
            match (&line.shape, reference_line(raw.as_bytes())) {
                (grammar::Shape::Entry { key, equals, value }, Some((k, v))) => {
                    prop_assert_eq!(raw[key.clone()].as_bytes(), k);
                    prop_assert_eq!(raw[value.clone()].as_bytes(), v);
                    prop_assert_eq!(raw.as_bytes()[*equals], b'=');
                    prop_assert!(key.end <= *equals && *equals < value.start);
                }
                (grammar::Shape::Ignored { content }, None) => {
                    prop_assert_eq!(raw[content.clone()].as_bytes(), php_trim(before.as_bytes()));
                }
                (shape, expected) => {
                    prop_assert!(false, "{raw:?}: {shape:?}, expected {expected:?}");
                }
            }
        }
    }

    #[test]
    fn reader_never_panics_and_keeps_every_line(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let params = Params::parse(&bytes, Path::new("p"));
        let findings = params.lint(None);
        let _ = render_check(&params, &findings);
        let text = String::from_utf8_lossy(&bytes);
        let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
        prop_assert_eq!(scan(&text).count(), newlines + 1);
    }

    #[test]
    fn representable_entries_read_back_unchanged(key in tricky_text(8), value in tricky_text(12)) {
        let path = Path::new("w.params");
        match render(path, &[(key.as_str(), value.as_str())]) {
            Ok(text) => {
                let params = Params::parse(text.as_bytes(), path);
                let pairs: Vec<_> = params.iter().collect();
                prop_assert_eq!(pairs, vec![(key.as_str(), value.as_str())]);
            }
            Err(_) => prop_assert!(check_representable(&key, &value).is_err()),
        }
    }

    #[test]
    fn written_files_read_back_unchanged(
        entries in prop::collection::btree_map("[A-Za-z0-9_]{1,10}", any::<String>(), 0..8)
    ) {
        // Make arbitrary values representable: no `#`, no newline, no
        // trimmed character at the ends.
        let entries: Vec<(String, String)> = entries
            .into_iter()
            .map(|(k, v)| {
                let v: String = v.chars().filter(|c| !matches!(c, '#' | '\n')).collect();
                (k, v.trim_matches(text::TRIM_CHARS).to_owned())
            })
            .collect();
        let borrowed: Vec<(&str, &str)> =
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("w.params");
        write_params_file(&path, &borrowed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let params = Params::load_paths(&[path]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let pairs: Vec<_> = params.iter().collect();
        prop_assert_eq!(pairs, borrowed);
    }
}
