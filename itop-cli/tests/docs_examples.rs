//! The guide's shell examples, run.
//!
//! Every block of `docs/**/*.md` fenced as ```` ```sh test ```` is run with
//! `bash` (after `set -e`) against a fresh loopback iTop, one server and one
//! temporary folder per page, blocks of a page in order. The folder holds a
//! copy of `examples/`; `itop` is on the `PATH`; `ITOP_URL`, `ITOP_USER`
//! and `ITOP_PWD` name the loopback iTop and its administrator. Words after
//! `test` in the fence: `exit-N` (the expected exit code, 0 by default),
//! `max-body-N` (the block gets its own server, dropping bodies over N
//! bytes). A ```` ```text output ```` block right after lists lines the
//! output must contain, in order; `...` in a line matches anything.
//!
//! The guide's Rust blocks are compiled by `itop-core/src/docs_tests.rs`;
//! this file also checks that every page is listed there, and that every
//! fence names its language (rustdoc would compile an unnamed one as Rust).
//! Always the loopback iTop: the examples' output is that of its data set.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use itop_tests::{ServerConfig, TestServer};

/// A fenced block of a page.
#[derive(Debug)]
struct Fence {
    /// The words after the opening backquotes.
    info: Vec<String>,
    /// 1-based line of the opening fence.
    line: usize,
    /// The content, the fence's indentation removed.
    body: String,
}

/// A tested shell block.
#[derive(Debug)]
struct Example {
    line: usize,
    script: String,
    exit: i32,
    max_body: Option<usize>,
    expected: Vec<String>,
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// Every `.md` file under `docs/`, sorted, relative to it.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, base: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).expect("read docs/").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path.strip_prefix(base).expect("under docs/").to_path_buf());
            }
        }
    }
    let mut found = Vec::new();
    walk(&docs_dir(), &docs_dir(), &mut found);
    found.sort();
    found
}

fn read_page(page: &Path) -> String {
    fs::read_to_string(docs_dir().join(page)).expect("read a docs page")
}

/// The fenced blocks of a Markdown text; `Err` for a fence never closed.
fn fences(text: &str) -> Result<Vec<Fence>, String> {
    let mut found = Vec::new();
    let mut open: Option<(Fence, usize)> = None;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        let indent = raw.len() - trimmed.len();
        match open.take() {
            None if trimmed.starts_with("```") => {
                let info = trimmed[3..].split_whitespace().map(str::to_owned).collect();
                let fence = Fence {
                    info,
                    line: index + 1,
                    body: String::new(),
                };
                open = Some((fence, indent));
            }
            None => {}
            Some((fence, _)) if trimmed == "```" => found.push(fence),
            Some((mut fence, indent)) => {
                let cut = raw.len() - raw.trim_start_matches(' ').len();
                fence.body.push_str(&raw[cut.min(indent)..]);
                fence.body.push('\n');
                open = Some((fence, indent));
            }
        }
    }
    match open {
        Some((fence, _)) => Err(format!("fence of line {} is never closed", fence.line)),
        None => Ok(found),
    }
}

/// The number in a word such as `exit-6`.
fn number_after<T: std::str::FromStr>(info: &[String], prefix: &str) -> Option<T> {
    info.iter()
        .find_map(|word| word.strip_prefix(prefix))
        .map(|n| {
            n.parse()
                .unwrap_or_else(|_| panic!("bad number in {prefix}{n}"))
        })
}

/// The tested shell blocks of a page, with the output block that follows.
fn examples(fences: &[Fence]) -> Vec<Example> {
    let mut found = Vec::new();
    for (index, fence) in fences.iter().enumerate() {
        if fence.info.first().map(String::as_str) != Some("sh")
            || !fence.info.iter().any(|w| w == "test")
        {
            continue;
        }
        let expected = match fences.get(index + 1) {
            Some(next) if next.info == ["text", "output"] => {
                next.body.lines().map(str::to_owned).collect()
            }
            _ => Vec::new(),
        };
        found.push(Example {
            line: fence.line,
            script: fence.body.clone(),
            exit: number_after(&fence.info, "exit-").unwrap_or(0),
            max_body: number_after(&fence.info, "max-body-"),
            expected,
        });
    }
    found
}

/// True when `text` matches `pattern`, where `...` stands for any text.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return text == pattern;
    }
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Checks that each expected line matches an output line, in order.
fn check_output(expected: &[String], output: &str) -> Result<(), String> {
    let lines: Vec<&str> = output.lines().map(str::trim).collect();
    let mut next = 0;
    for wanted in expected.iter().map(|l| l.trim()) {
        if wanted.is_empty() || wanted == "..." {
            continue;
        }
        match lines[next..].iter().position(|line| glob(wanted, line)) {
            Some(at) => next += at + 1,
            None => return Err(format!("no line matches {wanted:?}")),
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("make a folder");
    for entry in fs::read_dir(from).expect("read examples/").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy an example");
        }
    }
}

/// Runs one block in `dir` against `url`: exit code and stdout + stderr.
fn run(example: &Example, dir: &Path, url: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_itop"))
        .parent()
        .expect("bin dir");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("set -e\n{}", example.script))
        .current_dir(dir)
        .env("PATH", path)
        .env("ITOP_URL", url)
        .env("ITOP_USER", itop_tests::ADMIN_USER)
        .env("ITOP_PWD", itop_tests::ADMIN_PWD)
        .output()
        .expect("run bash");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

/// Runs the examples of one page; a description of each failure.
fn run_page(page: &Path, examples: &[Example]) -> Vec<String> {
    let server = TestServer::start(ServerConfig::default()).expect("loopback iTop");
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(
        &docs_dir().join("../examples"),
        &dir.path().join("examples"),
    );
    let mut failures = Vec::new();
    for example in examples {
        let own_server = example.max_body.map(|n| {
            TestServer::start(ServerConfig::default().max_body_bytes(Some(n))).expect("server")
        });
        let url = own_server.as_ref().unwrap_or(&server).url();
        let (code, output) = run(example, dir.path(), &url);
        let verdict = if code != example.exit {
            Err(format!("exit code {code}, expected {}", example.exit))
        } else {
            check_output(&example.expected, &output)
        };
        if let Err(why) = verdict {
            let place = format!("docs/{}:{}", page.display(), example.line);
            failures.push(format!("{place}: {why}\n--- output:\n{output}---"));
        }
    }
    failures
}

#[test]
fn shell_examples_of_the_guide_pass() {
    let mut work = Vec::new();
    for page in pages() {
        let text = read_page(&page);
        let found = examples(&fences(&text).expect("well-formed fences"));
        assert_eq!(
            found.len(),
            text.matches("```sh test").count(),
            "{}",
            page.display()
        );
        if !found.is_empty() {
            work.push((page, found));
        }
    }
    let total: usize = work.iter().map(|(_, found)| found.len()).sum();
    assert!(
        total >= 20,
        "only {total} tested shell blocks found in docs/"
    );
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .iter()
            .map(|(page, found)| scope.spawn(move || run_page(page, found)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("page thread"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Pages being written by others whose Rust blocks do not compile as
/// doc-tests yet.
const NOT_YET_DOCTESTED: [&str; 0] = [];

#[test]
fn every_page_is_compiled_by_the_doc_tests() {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("../itop-core/src/docs_tests.rs");
    let harness = fs::read_to_string(harness).expect("read docs_tests.rs");
    let missing: Vec<String> = pages()
        .iter()
        .map(|page| page.display().to_string())
        .filter(|page| !harness.contains(&format!("include_str!(\"../../docs/{page}\")")))
        .filter(|page| !NOT_YET_DOCTESTED.contains(&page.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these pages to itop-core/src/docs_tests.rs: {missing:?}"
    );
}

#[test]
fn every_fence_names_its_language() {
    for page in pages() {
        let fences =
            fences(&read_page(&page)).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        for fence in fences {
            assert!(
                !fence.info.is_empty(),
                "docs/{}:{}: name the block's language (an unnamed block is compiled as Rust)",
                page.display(),
                fence.line
            );
        }
    }
}

#[test]
fn glob_matches_parts_in_order() {
    assert!(glob("cron ran ...s (... -> ...)", "cron ran 0s (17 -> 17)"));
    assert!(glob("a...c", "abc"));
    assert!(!glob("a...c", "ac b"));
    assert!(!glob("ab...ba", "aba"));
    assert!(glob("exact", "exact"));
    assert!(!glob("exact", "exactly"));
}

#[test]
fn output_lines_must_come_in_order() {
    let expected = ["first".to_owned(), "...".to_owned(), "third ...".to_owned()];
    assert_eq!(
        check_output(&expected, "first\nsecond\n  third 3\n"),
        Ok(())
    );
    let reversed = ["third ...".to_owned(), "first".to_owned()];
    assert_eq!(
        check_output(&reversed, "first\nthird 3\n"),
        Err("no line matches \"first\"".to_owned())
    );
}

#[test]
fn fences_keep_info_words_and_strip_indentation() {
    let text =
        "x\n   ```sh test exit-3\n   echo hi\n     indented\n   ```\n```text output\nhi\n```\n";
    let found = fences(text).expect("closed");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].info, ["sh", "test", "exit-3"]);
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].body, "echo hi\n  indented\n");
    let tested = examples(&found);
    assert_eq!(
        (tested[0].exit, tested[0].expected.clone()),
        (3, vec!["hi".to_owned()])
    );
    assert!(fences("```sh\nopen\n").is_err());
}
