//! The quick starts of `docs/c.md` and `docs/php.md` are the tested files,
//! word for word.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The first fenced block of `language` in the page at `doc`.
fn first_block(doc: &str, language: &str) -> String {
    let text = std::fs::read_to_string(root().join("..").join(doc)).expect("read the page");
    let fence = format!("```{language}\n");
    let start = text.find(&fence).expect("a code block") + fence.len();
    let end = text[start..].find("```\n").expect("the end of the block") + start;
    text[start..end].to_owned()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).expect("read the example")
}

#[test]
fn c_quick_start_is_the_tested_program() {
    assert_eq!(first_block("docs/c.md", "c"), file("tests/c/quickstart.c"));
}

#[test]
fn php_quick_start_is_the_tested_script() {
    assert_eq!(
        first_block("docs/php.md", "php"),
        file("tests/php/quickstart.php")
    );
}
