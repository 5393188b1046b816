//! The exports called from Rust against the loopback iTop: a whole import,
//! a wrong password that leaves the out-parameter alone and the error
//! with its raw answer in the thread's last error, and a chunked import
//! stopped by a body limit that still gives its result and resume line.

use std::ffi::{CString, c_char};
use std::ptr::{null, null_mut};

use itop::*;
use itop_tests::{ADMIN_PWD, ADMIN_USER, ServerConfig, TestServer};

fn client(url: &str, password: &str) -> *mut itop_client {
    let mut builder: *mut itop_client_builder = null_mut();
    assert_eq!(itop_client_builder_new(&mut builder), itop_status::Ok);
    let url = CString::new(url).expect("no NUL");
    let login = CString::new(ADMIN_USER).expect("no NUL");
    let password = CString::new(password).expect("no NUL");
    assert_eq!(
        itop_client_builder_url(builder, url.as_ptr()),
        itop_status::Ok
    );
    let status = itop_client_builder_password(builder, login.as_ptr(), password.as_ptr());
    assert_eq!(status, itop_status::Ok);
    let mut client: *mut itop_client = null_mut();
    assert_eq!(itop_client_build(builder, &mut client), itop_status::Ok);
    itop_client_builder_free(builder);
    client
}

fn import(client: *mut itop_client, csv: &str, out: &mut *mut itop_import_result) -> itop_status {
    let mut request: *mut itop_import_request = null_mut();
    assert_eq!(
        itop_import_request_new(c"Organization".as_ptr(), &mut request),
        itop_status::Ok
    );
    let keys = itop_import_request_reconciliation_keys(request, c"name".as_ptr());
    assert_eq!(keys, itop_status::Ok);
    let status = itop_client_import_bytes(client, request, csv.as_ptr(), csv.len(), out);
    itop_import_request_free(request);
    status
}

fn last_error() -> (String, usize) {
    let mut buf = vec![0 as c_char; 4096];
    let mut written = 0usize;
    let status = itop_last_error_message(buf.as_mut_ptr(), buf.len(), &mut written);
    assert_eq!(status, itop_status::Ok);
    let bytes: Vec<u8> = buf[..written.min(4095)].iter().map(|&c| c as u8).collect();
    let mut raw_len = 0usize;
    assert_eq!(
        itop_last_error_raw(null_mut(), 0, &mut raw_len),
        itop_status::Ok
    );
    (String::from_utf8(bytes).expect("UTF-8"), raw_len)
}

#[test]
fn import_through_the_c_api_counts_rows() {
    let server = TestServer::start(ServerConfig::default()).expect("loopback iTop");
    let client = client(&server.url(), ADMIN_PWD);
    let mut result: *mut itop_import_result = null_mut();
    let csv = "name,code\nFfi Rust Org A,FA\nFfi Rust Org B,FB\n";
    assert_eq!(import(client, csv, &mut result), itop_status::Ok);
    let mut summary = itop_import_summary::default();
    assert_eq!(
        itop_import_result_summary(result, &mut summary),
        itop_status::Ok
    );
    assert_eq!(
        (summary.data_lines, summary.created, summary.issues),
        (2, 2, 0)
    );
    assert!(summary.has_summary && summary.complete);
    assert_eq!(server.count("Organization"), 11);
    itop_import_result_free(result);
    itop_client_free(client);
}

#[test]
fn wrong_password_is_auth_with_the_raw_answer() {
    let server = TestServer::start(ServerConfig::default()).expect("loopback iTop");
    let client = client(&server.url(), "wrong");
    let mut result: *mut itop_import_result = null_mut();
    assert_eq!(import(client, "name\nX\n", &mut result), itop_status::Auth);
    assert!(result.is_null(), "out-parameter written on failure");
    let (message, raw_len) = last_error();
    assert!(
        message.starts_with("import: authentication failed"),
        "{message}"
    );
    assert!(raw_len > 0);
    itop_client_free(client);
}

#[test]
fn null_client_is_an_error_not_a_crash() {
    let mut result: *mut itop_import_result = null_mut();
    let status = itop_client_import_file(null(), null(), null(), &mut result);
    assert_eq!(status, itop_status::NullArgument);
    assert_eq!(last_error().0, "client is NULL");
}

#[test]
fn a_stopped_chunked_import_gives_its_result_and_resume_line() {
    let config = ServerConfig::default().max_body_bytes(Some(4000));
    let server = TestServer::start(config).expect("loopback iTop");
    let client = client(&server.url(), ADMIN_PWD);
    let mut csv = String::from("name,code\n");
    for i in 0..90 {
        let code = if (60..70).contains(&i) {
            "L".repeat(400)
        } else {
            format!("R{i}")
        };
        csv.push_str(&format!("Ffi Chunk Org {i:02},{code}\n"));
    }
    let mut request: *mut itop_import_request = null_mut();
    let class = c"Organization".as_ptr();
    assert_eq!(
        itop_import_request_new(class, &mut request),
        itop_status::Ok
    );
    let options = itop_chunk_options {
        rows: 30,
        ..itop_chunk_options::default()
    };
    let mut result: *mut itop_import_result = null_mut();
    let (data, len) = (csv.as_ptr(), csv.len());
    let status = itop_client_import_chunked_bytes(
        client,
        request,
        data,
        len,
        &options,
        None,
        null_mut(),
        &mut result,
    );
    assert_eq!(status, itop_status::Auth);
    assert!(
        last_error().0.contains("resume from line 62"),
        "{:?}",
        last_error()
    );
    assert!(!result.is_null(), "the result is stored with the failure");
    let mut chunks = std::mem::MaybeUninit::<itop_chunk_summary>::uninit();
    assert_eq!(
        itop_import_result_chunks(result, chunks.as_mut_ptr()),
        itop_status::Ok
    );
    // SAFETY: written by the successful call above.
    let chunks = unsafe { chunks.assume_init() };
    assert_eq!(
        (chunks.chunks, chunks.rows, chunks.failed_chunk),
        (2, 60, 2)
    );
    assert_eq!((chunks.committed_end, chunks.resume_from_line), (60, 62));
    assert_eq!(server.count("Organization"), 9 + 60);
    itop_import_result_free(result);
    itop_import_request_free(request);
    itop_client_free(client);
}
