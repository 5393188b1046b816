/* Tests of every function of itop.h against the loopback iTop.
 * Usage: test_itop URL TAG DIR LIMITED_URL  (TAG makes names unique per run, DIR is a
 * scratch folder holding an executable `slow-php` that sleeps, LIMITED_URL a loopback iTop
 * that drops request bodies over 4000 bytes). Prints failed checks, then
 * `c: N passed, M failed`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itop.h"

static int passed, failed;
static char text[1 << 16];
static size_t written;
#define BUF text, sizeof text, &written
#define OK ITOP_STATUS_OK
#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("not ok - test_itop.c:%d: %s\n", line, what);
    }
}

/* The status is `expected` and the last error mentions `needle`. */
#define CHECK_ERROR(call, expected, needle) check_error((call), (expected), (needle), __LINE__)
static void check_error(itop_status got, itop_status expected, const char *needle, int line) {
    char message[4096];
    size_t len = 0;
    itop_last_error_message(message, sizeof message, &len);
    int ok = got == expected && strstr(message, needle) != NULL;
    check(ok, "expected error", line);
    if (!ok) {
        printf("    got %s (%s), wanted %s with \"%s\"\n", itop_status_name(got), message,
               itop_status_name(expected), needle);
    }
}

static char *path_in(const char *dir, const char *name) {
    static char paths[8][512];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 512, "%s/%s", dir, name);
    return path;
}

static void write_file(const char *path, const char *content) {
    FILE *file = fopen(path, "wb");
    CHECK(file != NULL);
    if (file) {
        fputs(content, file);
        fclose(file);
    }
}

static void test_status_and_last_error(void) {
    CHECK(strcmp(itop_status_name(ITOP_STATUS_OK), "OK") == 0);
    CHECK(strcmp(itop_status_name(ITOP_STATUS_AUTH), "AUTH") == 0);
    CHECK(strcmp(itop_status_name(ITOP_STATUS_NOT_FOUND), "NOT_FOUND") == 0);
    CHECK(strcmp(itop_status_name(999), "UNKNOWN") == 0);
    CHECK(ITOP_STATUS_PANIC == 14 && ITOP_STATUS_PARAMS == 13);

    /* A failure sets the message; the length can be asked first. */
    CHECK(itop_client_builder_new(NULL) == ITOP_STATUS_NULL_ARGUMENT);
    size_t len = 0;
    CHECK(itop_last_error_message(NULL, 0, &len) == OK && len == strlen("builder_out is NULL"));
    CHECK(itop_last_error_message(BUF) == OK && strcmp(text, "builder_out is NULL") == 0);
    char small[5];
    CHECK(itop_last_error_message(small, sizeof small, &len) == OK);
    CHECK(strcmp(small, "buil") == 0 && len == 19);
    CHECK(itop_last_error_message(NULL, 4, &len) == ITOP_STATUS_NULL_ARGUMENT);
    CHECK(itop_last_error_message(text, sizeof text, NULL) == ITOP_STATUS_NULL_ARGUMENT);
    CHECK(itop_last_error_raw(BUF) == OK && written == 0 && text[0] == '\0');
    CHECK(itop_last_error_raw(NULL, 1, &written) == ITOP_STATUS_NULL_ARGUMENT);

    /* A success clears it. */
    itop_params *params = NULL;
    CHECK(itop_params_new(&params) == OK);
    CHECK(itop_last_error_message(BUF) == OK && written == 0);
    itop_params_free(params);
}

static void test_nulls(void) {
    itop_client *client = NULL;
    itop_import_result *import = NULL;
    CHECK_ERROR(itop_client_build(NULL, &client), ITOP_STATUS_NULL_ARGUMENT, "builder is NULL");
    CHECK(client == NULL);
    CHECK_ERROR(itop_client_builder_url(NULL, "http://x"), ITOP_STATUS_NULL_ARGUMENT, "builder");
    CHECK_ERROR(itop_client_import_bytes(NULL, NULL, NULL, 0, &import), ITOP_STATUS_NULL_ARGUMENT,
                "client is NULL");
    CHECK(import == NULL);
    CHECK_ERROR(itop_import_request_new(NULL, NULL), ITOP_STATUS_NULL_ARGUMENT, "class_name");
    CHECK_ERROR(itop_import_result_summary(NULL, NULL), ITOP_STATUS_NULL_ARGUMENT, "result");
    CHECK_ERROR(itop_export_request_fields(NULL, "a"), ITOP_STATUS_NULL_ARGUMENT, "request");
    CHECK_ERROR(itop_synchro_exec_request_new(NULL, 2, NULL), ITOP_STATUS_NULL_ARGUMENT, "ids");
    CHECK_ERROR(itop_cron_request_verbose(NULL, true), ITOP_STATUS_NULL_ARGUMENT, "request");
    CHECK_ERROR(itop_params_get(NULL, "k", BUF), ITOP_STATUS_NULL_ARGUMENT, "params");
    CHECK_ERROR(itop_findings_count(NULL, &written), ITOP_STATUS_NULL_ARGUMENT, "findings");

    /* Invalid UTF-8 in, and enum numbers out of their set. */
    itop_import_request *request = NULL;
    CHECK_ERROR(itop_import_request_new("Org\xff", &request), ITOP_STATUS_INVALID_UTF8, "UTF-8");
    CHECK(request == NULL);
    CHECK(itop_import_request_new("Organization", &request) == OK);
    CHECK_ERROR(itop_import_request_output(request, 7), ITOP_STATUS_INVALID_REQUEST, "output mode");
    CHECK_ERROR(itop_import_request_separator(request, (char)0xA7), ITOP_STATUS_INVALID_REQUEST,
                "not ASCII");
    itop_import_request_free(request);

    /* Every _free takes NULL. */
    itop_client_builder_free(NULL);
    itop_client_free(NULL);
    itop_import_request_free(NULL);
    itop_import_result_free(NULL);
    itop_export_request_free(NULL);
    itop_export_result_free(NULL);
    itop_synchro_import_request_free(NULL);
    itop_synchro_import_result_free(NULL);
    itop_synchro_exec_request_free(NULL);
    itop_synchro_exec_result_free(NULL);
    itop_cron_request_free(NULL);
    itop_cron_result_free(NULL);
    itop_params_free(NULL);
    itop_findings_free(NULL);
    itop_legacy_export_request_free(NULL);
}

static itop_client *make_client(const char *url, const char *login, const char *password) {
    itop_client_builder *builder = NULL;
    itop_client *client = NULL;
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_password(builder, login, password) == OK);
    CHECK(itop_client_builder_auth_channel(builder, ITOP_AUTH_CHANNEL_FORM) == OK);
    CHECK(itop_client_builder_connect_timeout_ms(builder, 5000) == OK);
    CHECK(itop_client_builder_timeout_ms(builder, 60000) == OK);
    CHECK(itop_client_builder_user_agent(builder, "itop-ffi-test") == OK);
    CHECK(itop_client_build(builder, &client) == OK && client != NULL);
    itop_client_builder_free(builder);
    return client;
}

static void test_builder_errors(const char *url, const char *dir) {
    itop_client_builder *builder = NULL;
    itop_client *client = NULL;
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK_ERROR(itop_client_build(builder, &client), ITOP_STATUS_INVALID_REQUEST, "invalid url");
    CHECK_ERROR(itop_client_builder_auth_channel(builder, 5), ITOP_STATUS_INVALID_REQUEST, "auth channel");
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_itop_root(builder, dir) == OK);
    CHECK_ERROR(itop_client_build(builder, &client), ITOP_STATUS_INVALID_REQUEST, "not both");
    CHECK(client == NULL);
    itop_client_builder_free(builder);

    /* Parameters files go to php only: refused over HTTP, not ignored. */
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_param_file(builder, path_in(dir, "cron.params")) == OK);
    CHECK_ERROR(itop_client_build(builder, &client), ITOP_STATUS_INVALID_REQUEST,
                "command-line mode only");
    CHECK(client == NULL);
    itop_client_builder_free(builder);

    /* A CA bundle that is not there. */
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_ca_bundle(builder, path_in(dir, "no-such-ca.pem")) == OK);
    CHECK_ERROR(itop_client_build(builder, &client), ITOP_STATUS_IO, "no-such-ca.pem");
    itop_client_builder_free(builder);

    /* Proxies: "none" goes straight to iTop; a proxy where nothing listens
     * is used even for a loopback iTop, and the call fails; a bad one is
     * refused when the client is built. */
    const char *csv = "name\nNobody\n";
    itop_import_request *import = NULL;
    itop_import_result *imported = NULL;
    CHECK(itop_import_request_new("Organization", &import) == OK);
    CHECK(itop_import_request_simulate(import, true) == OK);
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_password(builder, "admin", "Adm1n-secret") == OK);
    CHECK(itop_client_builder_proxy(builder, "none") == OK);
    CHECK(itop_client_builder_danger_accept_invalid_certs(builder, true) == OK);
    CHECK(itop_client_build(builder, &client) == OK);
    CHECK(itop_client_import_bytes(client, import, (const uint8_t *)csv, strlen(csv), &imported) == OK);
    itop_import_result_free(imported);
    imported = NULL;
    itop_client_free(client);
    client = NULL;
    CHECK(itop_client_builder_danger_accept_invalid_certs(builder, false) == OK);
    CHECK(itop_client_builder_proxy(builder, "http://127.0.0.1:1") == OK);
    CHECK(itop_client_build(builder, &client) == OK);
    CHECK_ERROR(itop_client_import_bytes(client, import, (const uint8_t *)csv, strlen(csv), &imported),
                ITOP_STATUS_TRANSPORT, "import");
    CHECK(imported == NULL);
    itop_client_free(client);
    client = NULL;
    CHECK(itop_client_builder_proxy(builder, "no proxy here") == OK);
    CHECK_ERROR(itop_client_build(builder, &client), ITOP_STATUS_INVALID_REQUEST, "proxy");
    CHECK_ERROR(itop_client_builder_proxy(builder, NULL), ITOP_STATUS_NULL_ARGUMENT, "proxy is NULL");
    CHECK_ERROR(itop_client_builder_danger_accept_invalid_certs(NULL, true), ITOP_STATUS_NULL_ARGUMENT,
                "builder is NULL");
    itop_client_builder_free(builder);
    itop_import_request_free(import);

    /* Command-line mode with a php that never answers (DIR/slow-php, made
     * by the runner): PROCESS once the timeout kills it. */
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_itop_root(builder, dir) == OK);
    CHECK(itop_client_builder_php(builder, path_in(dir, "slow-php")) == OK);
    CHECK(itop_client_builder_timeout_ms(builder, 300) == OK);
    CHECK(itop_client_builder_param_file(builder, path_in(dir, "extra.params")) == OK);
    CHECK(itop_client_builder_allow_secrets_on_argv(builder, false) == OK);
    CHECK(itop_client_builder_password(builder, "admin", "x") == OK);
    CHECK(itop_client_build(builder, &client) == OK);
    itop_cron_request *cron = NULL;
    itop_cron_result *report = NULL;
    CHECK(itop_cron_request_new(&cron) == OK);
    CHECK_ERROR(itop_client_cron(client, cron, &report), ITOP_STATUS_PROCESS, "were killed");
    CHECK(report == NULL);
    itop_cron_request_free(cron);
    itop_client_free(client);
    itop_client_builder_free(builder);
}

static void test_wrong_credentials(const char *url, const char *dir) {
    itop_client *client = make_client(url, "admin", "wrong-password");
    itop_import_request *request = NULL;
    itop_import_result *report = NULL;
    const char *csv = "name\nNobody\n";
    CHECK(itop_import_request_new("Organization", &request) == OK);
    CHECK_ERROR(itop_client_import_bytes(client, request, (const uint8_t *)csv, strlen(csv), &report),
                ITOP_STATUS_AUTH, "import: authentication failed");
    CHECK(report == NULL);
    CHECK(itop_last_error_raw(BUF) == OK && written > 0);
    itop_import_request_free(request);
    itop_client_free(client);
    /* Freeing keeps the last error. */
    CHECK(itop_last_error_message(BUF) == OK && strstr(text, "authentication failed") != NULL);

    /* A token the server does not know. */
    itop_client_builder *builder = NULL;
    CHECK(itop_client_builder_new(&builder) == OK);
    CHECK(itop_client_builder_url(builder, url) == OK);
    CHECK(itop_client_builder_token(builder, "not-a-token") == OK);
    CHECK(itop_client_build(builder, &client) == OK);
    itop_export_request *export = NULL;
    itop_export_result *exported = NULL;
    CHECK(itop_export_request_new("SELECT Organization", &export) == OK);
    CHECK(itop_export_request_fields(export, "name") == OK);
    const char *path = path_in(dir, "never-written.csv");
    CHECK_ERROR(itop_client_export_to_path(client, export, path, &exported), ITOP_STATUS_AUTH,
                "authentication failed");
    FILE *file = fopen(path, "rb");
    CHECK(file == NULL && exported == NULL);
    if (file) {
        fclose(file);
    }
    itop_export_request_free(export);
    itop_client_free(client);
    itop_client_builder_free(builder);
}

static void test_import(itop_client *client, const char *tag, const char *dir) {
    char csv[1024];
    snprintf(csv, sizeof csv, "name,code,status\n\"C Org %s\",C1,active\n\"C Org2 %s\",C2,active\n",
             tag, tag);
    itop_import_request *request = NULL;
    itop_import_result *report = NULL;
    CHECK(itop_import_request_new("Organization", &request) == OK);
    CHECK(itop_import_request_reconciliation_keys(request, "name") == OK);
    CHECK(itop_import_request_output(request, ITOP_OUTPUT_MODE_DETAILS) == OK);
    CHECK(itop_import_request_separator(request, ',') == OK);
    CHECK(itop_import_request_qualifier(request, '"') == OK);
    CHECK(itop_import_request_charset(request, "UTF-8") == OK);
    CHECK(itop_import_request_date_format(request, "Y-m-d") == OK);
    CHECK(itop_import_request_localize(request, false) == OK);
    CHECK(itop_import_request_comment(request, "itop-ffi C test") == OK);
    CHECK(itop_import_request_simulate(request, false) == OK);
    CHECK(itop_client_import_bytes(client, request, (const uint8_t *)csv, strlen(csv), &report) == OK);

    itop_import_summary summary;
    memset(&summary, 0xff, sizeof summary);
    CHECK(itop_import_result_summary(report, &summary) == OK);
    CHECK(summary.has_summary && summary.complete);
    CHECK(summary.data_lines == 2 && summary.created == 2 && summary.issues == 0);
    CHECK(summary.updated == 0 && summary.unchanged == 0 && summary.warnings == 0);
    size_t rows = 0;
    CHECK(itop_import_result_row_count(report, &rows) == OK && rows == 2);
    itop_import_row row;
    CHECK(itop_import_result_row(report, 1, &row) == OK);
    CHECK(row.line == 1 && row.status == ITOP_ROW_STATUS_CREATED && row.has_object_id);
    CHECK(row.object_id > 0);
    CHECK_ERROR(itop_import_result_row(report, 2, &row), ITOP_STATUS_NOT_FOUND, "no row 2");
    CHECK(itop_import_result_row_status_text(report, 0, BUF) == OK && strcmp(text, "created") == 0);
    CHECK(itop_import_result_row_raw(report, 0, BUF) == OK && strstr(text, "C Org ") != NULL);
    CHECK(itop_import_result_text(report, BUF) == OK && strstr(text, "created 2") != NULL);
    CHECK(itop_import_result_json(report, BUF) == OK && strstr(text, "\"created\":2") != NULL);
    char small[4];
    size_t full = 0;
    CHECK(itop_import_result_json(report, small, sizeof small, &full) == OK);
    CHECK(full == strlen(text) && strlen(small) == 3 && strncmp(small, text, 3) == 0);
    itop_import_result_free(report);
    itop_import_request_free(request);

    /* People from a file, twice: created, then unchanged. */
    char people[1024];
    snprintf(people, sizeof people,
             "first_name,name,org_id->name,email\n"
             "Ana,Lima,\"C Org %s\",ana.%s@c.example\n"
             "Bo,Berg,\"C Org %s\",bo.%s@c.example\n"
             "Cy,Nope,\"No Such Org %s\",cy.%s@c.example\n",
             tag, tag, tag, tag, tag, tag);
    const char *path = path_in(dir, "people.csv");
    write_file(path, people);
    CHECK(itop_import_request_new("Person", &request) == OK);
    CHECK(itop_import_request_reconciliation_keys(request, "email") == OK);
    CHECK(itop_client_import_file(client, request, path, &report) == OK);
    CHECK(itop_import_result_summary(report, &summary) == OK);
    CHECK(summary.created == 2 && summary.issues == 1 && summary.data_lines == 3);
    itop_import_result_free(report);
    CHECK(itop_client_import_file(client, request, path, &report) == OK);
    CHECK(itop_import_result_summary(report, &summary) == OK);
    CHECK(summary.created == 0 && summary.unchanged == 2 && summary.issues == 1);
    itop_import_result_free(report);

    /* Retcode mode: only the issues. */
    CHECK(itop_import_request_output(request, ITOP_OUTPUT_MODE_RETCODE) == OK);
    CHECK(itop_client_import_file(client, request, path, &report) == OK);
    CHECK(itop_import_result_summary(report, &summary) == OK);
    CHECK(!summary.has_summary && summary.issues == 1 && summary.created == 0);
    itop_import_result_free(report);
    report = NULL;

    /* Errors: a missing file, an unknown class. */
    CHECK_ERROR(itop_client_import_file(client, request, path_in(dir, "missing.csv"), &report),
                ITOP_STATUS_IO, "missing.csv");
    CHECK(report == NULL);
    itop_import_request_free(request);
    CHECK(itop_import_request_new("NoSuchClass", &request) == OK);
    CHECK_ERROR(itop_client_import_file(client, request, path, &report), ITOP_STATUS_BAD_REQUEST,
                "request rejected");
    CHECK(itop_last_error_raw(BUF) == OK && written > 0);
    itop_import_request_free(request);
}

struct sink {
    char data[1 << 15];
    size_t len;
    int fail_with;
};

static int collect(void *userdata, const uint8_t *data, size_t len) {
    struct sink *sink = userdata;
    if (sink->fail_with != 0) {
        return sink->fail_with;
    }
    if (sink->len + len >= sizeof sink->data) {
        return 1;
    }
    memcpy(sink->data + sink->len, data, len);
    sink->len += len;
    sink->data[sink->len] = '\0';
    return 0;
}

static void test_export(itop_client *client, const char *tag, const char *dir) {
    static struct sink sink;
    char org[256];
    snprintf(org, sizeof org, "C Org %s", tag);
    itop_export_request *request = NULL;
    itop_export_result *result = NULL;
    CHECK(itop_export_request_new("SELECT Person WHERE org_name = :org", &request) == OK);
    CHECK(itop_export_request_argument(request, "org", org) == OK);
    CHECK(itop_export_request_fields(request, "first_name,name,email") == OK);
    CHECK(itop_export_request_format(request, ITOP_EXPORT_FORMAT_CSV) == OK);
    CHECK(itop_export_request_localize(request, false) == OK);
    CHECK(itop_export_request_with_archive(request, false) == OK);
    CHECK(itop_export_request_separator(request, ',') == OK);
    CHECK(itop_export_request_text_qualifier(request, '"') == OK);
    CHECK(itop_export_request_charset(request, "UTF-8") == OK);
    CHECK(itop_export_request_formatted_text(request, false) == OK);
    CHECK(itop_export_request_date_format(request, "Y-m-d") == OK);
    CHECK(itop_client_export_to_callback(client, request, collect, &sink, &result) == OK);
    CHECK(strncmp(sink.data, "\"first_name\",\"name\",\"email\"\n", 28) == 0);
    CHECK(strstr(sink.data, "\"Ana\",\"Lima\"") != NULL && strstr(sink.data, "\"Bo\",\"Berg\"") != NULL);
    uint64_t bytes = 0;
    CHECK(itop_export_result_bytes(result, &bytes) == OK && bytes == sink.len);
    CHECK(itop_export_result_content_type(result, BUF) == OK && strstr(text, "csv") != NULL);
    itop_export_result_free(result);

    /* The same to a file: the same bytes. */
    const char *path = path_in(dir, "export.csv");
    CHECK(itop_client_export_to_path(client, request, path, &result) == OK);
    FILE *file = fopen(path, "rb");
    size_t read = file ? fread(text, 1, sizeof text, file) : 0;
    if (file) {
        fclose(file);
    }
    CHECK(read == sink.len && memcmp(text, sink.data, read) == 0);
    itop_export_result_free(result);
    result = NULL;

    /* A callback that refuses stops the export. */
    sink.fail_with = 7;
    itop_status status = itop_client_export_to_callback(client, request, collect, &sink, &result);
    CHECK(status == ITOP_STATUS_TRANSPORT || status == ITOP_STATUS_IO);
    CHECK(itop_last_error_message(BUF) == OK && strstr(text, "write callback returned 7") != NULL);
    CHECK(result == NULL);
    CHECK_ERROR(itop_client_export_to_callback(client, request, NULL, NULL, &result),
                ITOP_STATUS_NULL_ARGUMENT, "callback");
    itop_export_request_free(request);

    /* A phrasebook entry, a bad query, an unknown format number. */
    CHECK(itop_export_request_new_phrasebook("14", &request) == OK);
    CHECK(itop_client_export_to_path(client, request, path, &result) == OK);
    CHECK(itop_export_result_bytes(result, &bytes) == OK && bytes > 0);
    itop_export_result_free(result);
    result = NULL;
    itop_export_request_free(request);
    CHECK(itop_export_request_new("SELEKT Person", &request) == OK);
    CHECK(itop_export_request_fields(request, "name") == OK);
    CHECK_ERROR(itop_export_request_format(request, 99), ITOP_STATUS_INVALID_REQUEST, "export format");
    CHECK_ERROR(itop_client_export_to_path(client, request, path, &result), ITOP_STATUS_BAD_REQUEST,
                "Invalid OQL");
    CHECK(result == NULL);
    itop_export_request_free(request);
}

static void test_synchro_import(itop_client *client, const char *tag, const char *dir) {
    char csv[1024];
    snprintf(csv, sizeof csv,
             "primary_key;first_name;name;email;org_id;status\n"
             "%s-0;J\xc3\xbcrgen;N\xc3\xba\xc3\xb1\x65z;s0.%s@sync.example;Lab Org A;active\n"
             "%s-1;Kai;Rot;s1.%s@sync.example;Lab Org A;active\n",
             tag, tag, tag, tag);
    itop_synchro_import_request *request = NULL;
    itop_synchro_import_result *result = NULL;
    CHECK(itop_synchro_import_request_new(1, &request) == OK);
    CHECK(itop_synchro_import_request_synchronize(request, true) == OK);
    CHECK(itop_synchro_import_request_output(request, ITOP_OUTPUT_MODE_DETAILS) == OK);
    CHECK(itop_synchro_import_request_separator(request, ';') == OK);
    CHECK(itop_synchro_import_request_charset(request, "UTF-8") == OK);
    CHECK(itop_synchro_import_request_simulate(request, false) == OK);
    CHECK(itop_synchro_import_request_no_stop_on_import_error(request, false) == OK);
    CHECK(itop_synchro_import_request_comment(request, "itop-ffi C test") == OK);
    CHECK(itop_client_synchro_import_bytes(client, request, (const uint8_t *)csv, strlen(csv), &result) == OK);

    itop_synchro_import_summary summary;
    CHECK(itop_synchro_import_result_summary(result, &summary) == OK);
    CHECK(summary.has_import && summary.data_lines == 2 && summary.created == 2);
    CHECK(summary.issues == 0 && summary.has_synchro && !summary.has_issues);
    itop_synchro_counters counters;
    CHECK(itop_synchro_import_result_synchro_counters(result, &counters) == OK);
    CHECK(counters.replicas_touched >= 2 && counters.error_total == 0);
    size_t rows = 0;
    CHECK(itop_synchro_import_result_row_count(result, &rows) == OK && rows == 2);
    itop_synchro_import_row row;
    CHECK(itop_synchro_import_result_row(result, 1, &row) == OK);
    CHECK(row.row == 1 && row.kind == ITOP_SYNCHRO_ROW_KIND_NEW);
    CHECK_ERROR(itop_synchro_import_result_row(result, 5, &row), ITOP_STATUS_NOT_FOUND, "no row 5");
    CHECK(itop_synchro_import_result_row_text(result, 0, BUF) == OK && strstr(text, "New entry") != NULL);
    CHECK(itop_synchro_import_result_text(result, BUF) == OK && written > 0);
    CHECK(itop_synchro_import_result_json(result, BUF) == OK && strstr(text, "\"data_lines\":2") != NULL);
    itop_synchro_import_result_free(result);

    /* From a file, without synchronization: no counters. */
    const char *path = path_in(dir, "replicas.csv");
    write_file(path, csv);
    CHECK(itop_synchro_import_request_synchronize(request, false) == OK);
    CHECK(itop_synchro_import_request_output(request, ITOP_OUTPUT_MODE_SUMMARY) == OK);
    CHECK(itop_client_synchro_import_file(client, request, path, &result) == OK);
    CHECK(itop_synchro_import_result_summary(result, &summary) == OK);
    CHECK(summary.updated == 2 && !summary.has_synchro);
    CHECK_ERROR(itop_synchro_import_result_synchro_counters(result, &counters), ITOP_STATUS_NOT_FOUND,
                "no synchronization");
    itop_synchro_import_result_free(result);
    itop_synchro_import_request_free(request);
}

static void test_synchro_exec(itop_client *client) {
    const uint32_t ids[] = {1};
    itop_synchro_exec_request *request = NULL;
    itop_synchro_exec_result *result = NULL;
    CHECK(itop_synchro_exec_request_new(ids, 1, &request) == OK);
    CHECK(itop_synchro_exec_request_simulate(request, false) == OK);
    CHECK(itop_client_synchro_exec(client, request, &result) == OK);
    size_t count = 0;
    CHECK(itop_synchro_exec_result_source_count(result, &count) == OK && count == 1);
    uint32_t id = 0;
    CHECK(itop_synchro_exec_result_source_id(result, 0, &id) == OK && id == 1);
    CHECK_ERROR(itop_synchro_exec_result_source_id(result, 1, &id), ITOP_STATUS_NOT_FOUND, "no source 1");
    CHECK(itop_synchro_exec_result_source_name(result, 0, BUF) == OK);
    CHECK(strcmp(text, "Lab Person Source") == 0);
    itop_synchro_counters counters;
    CHECK(itop_synchro_exec_result_source_counters(result, 0, &counters) == OK);
    CHECK(counters.replicas >= counters.replicas_touched);
    uint64_t errors = 99;
    CHECK(itop_synchro_exec_result_error_total(result, &errors) == OK && errors == counters.error_total);
    CHECK(itop_synchro_exec_result_text(result, BUF) == OK && strstr(text, "Lab Person Source") != NULL);
    CHECK(itop_synchro_exec_result_json(result, BUF) == OK && strstr(text, "\"id\":1") != NULL);
    itop_synchro_exec_result_free(result);
    result = NULL;

    /* max_chunk_size is for command-line mode only. */
    CHECK(itop_synchro_exec_request_max_chunk_size(request, 100) == OK);
    CHECK_ERROR(itop_client_synchro_exec(client, request, &result), ITOP_STATUS_INVALID_REQUEST,
                "max_chunk_size");
    itop_synchro_exec_request_free(request);

    const uint32_t unknown[] = {999};
    CHECK(itop_synchro_exec_request_new(unknown, 1, &request) == OK);
    CHECK_ERROR(itop_client_synchro_exec(client, request, &result), ITOP_STATUS_BAD_REQUEST, "999");
    CHECK(result == NULL);
    itop_synchro_exec_request_free(request);
}

static void test_cron(itop_client *client) {
    itop_cron_request *request = NULL;
    itop_cron_result *result = NULL;
    CHECK(itop_cron_request_new(&request) == OK);
    CHECK(itop_cron_request_verbose(request, true) == OK);
    CHECK(itop_cron_request_debug(request, false) == OK);
    CHECK(itop_cron_request_status_only(request, false) == OK);
    CHECK(itop_client_cron(client, request, &result) == OK);
    itop_cron_summary summary;
    CHECK(itop_cron_result_summary(result, &summary) == OK);
    CHECK(summary.has_started && summary.has_exited && summary.exited >= summary.started);
    CHECK(summary.clean && !summary.already_running && !summary.empty && summary.error_count == 0);
    CHECK(summary.line_count >= 2);
    CHECK(itop_cron_result_line(result, 0, BUF) == OK && strncmp(text, "Starting: ", 10) == 0);
    CHECK_ERROR(itop_cron_result_error(result, 0, BUF), ITOP_STATUS_NOT_FOUND, "no error line 0");
    CHECK(itop_cron_result_json(result, BUF) == OK && strstr(text, "\"already_running\":false") != NULL);
    itop_cron_result_free(result);
    itop_cron_request_free(request);
}

/* Progress calls of a chunked upload, in order. */
struct progress_log {
    int calls;
    uint64_t chunks[64], rows[64], bytes[64], lines[64];
};

static void on_progress(void *user, uint64_t chunks, uint64_t rows, uint64_t bytes_read,
                        uint64_t next_line) {
    struct progress_log *log = user;
    if (log->calls < 64) {
        log->chunks[log->calls] = chunks;
        log->rows[log->calls] = rows;
        log->bytes[log->calls] = bytes_read;
        log->lines[log->calls] = next_line;
    }
    log->calls++;
}

/* `count` organizations named "PREFIX 000"...; rows in [long_from, long_to) get a
 * 400-character code. The caller frees the text. */
static char *org_csv(int count, const char *prefix, int long_from, int long_to) {
    size_t size = 64 + (size_t)count * (strlen(prefix) + 32) + (size_t)(long_to - long_from) * 400;
    char *csv = malloc(size);
    if (csv == NULL) {
        abort();
    }
    size_t len = (size_t)snprintf(csv, size, "name,code\n");
    for (int i = 0; i < count; i++) {
        char code[401] = "";
        if (i >= long_from && i < long_to) {
            memset(code, 'L', 400);
            code[400] = '\0';
        } else {
            snprintf(code, sizeof code, "K%d", i);
        }
        len += (size_t)snprintf(csv + len, size - len, "\"%s %03d\",%s\n", prefix, i, code);
    }
    return csv;
}

/* The organizations whose name starts with `prefix`, counted by an export. */
static long count_orgs(itop_client *client, const char *prefix) {
    static struct sink sink;
    char oql[256];
    snprintf(oql, sizeof oql, "SELECT Organization WHERE name LIKE '%s %%'", prefix);
    itop_export_request *request = NULL;
    itop_export_result *result = NULL;
    sink.len = 0;
    sink.fail_with = 0;
    sink.data[0] = '\0';
    CHECK(itop_export_request_new(oql, &request) == OK);
    CHECK(itop_export_request_fields(request, "name") == OK);
    itop_status status = itop_client_export_to_callback(client, request, collect, &sink, &result);
    CHECK(status == OK);
    itop_export_result_free(result);
    itop_export_request_free(request);
    long lines = 0;
    for (size_t i = 0; i < sink.len; i++) {
        lines += sink.data[i] == '\n';
    }
    return status == OK ? lines - 1 : -1;
}

static itop_import_request *org_request(void) {
    itop_import_request *request = NULL;
    CHECK(itop_import_request_new("Organization", &request) == OK);
    CHECK(itop_import_request_reconciliation_keys(request, "name") == OK);
    return request;
}

static void test_chunked_import(itop_client *client, const char *tag, const char *dir) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "Chunk Org %s", tag);
    char *csv = org_csv(300, prefix, 0, 0);
    size_t len = strlen(csv);
    itop_import_request *request = org_request();
    itop_import_result *result = NULL;
    CHECK(itop_import_request_output(request, ITOP_OUTPUT_MODE_DETAILS) == OK);

    /* 300 rows, 40 a chunk: 8 chunks, one progress call each. */
    static struct progress_log log;
    itop_chunk_options options = {.rows = 40};
    CHECK(itop_client_import_chunked_bytes(client, request, (const uint8_t *)csv, len, &options,
                                           on_progress, &log, &result) == OK);
    itop_import_summary summary;
    CHECK(itop_import_result_summary(result, &summary) == OK);
    CHECK(summary.data_lines == 300 && summary.created == 300 && summary.issues == 0);
    CHECK(summary.complete && summary.has_summary);
    itop_chunk_summary chunks;
    CHECK(itop_import_result_chunks(result, &chunks) == OK);
    CHECK(chunks.complete && chunks.status == OK && !chunks.has_failed_chunk);
    CHECK(chunks.chunks == 8 && chunks.rows == 300 && chunks.first_row == 0);
    CHECK(chunks.committed_start == 0 && chunks.committed_end == 300);
    CHECK(chunks.uncertain_start == 300 && chunks.uncertain_end == 300 && chunks.resume_from_line == 0);
    size_t rows = 0;
    CHECK(itop_import_result_row_count(result, &rows) == OK && rows == 300);
    itop_import_row row;
    CHECK(itop_import_result_row(result, 299, &row) == OK);
    CHECK(row.line == 299 && row.status == ITOP_ROW_STATUS_CREATED);
    CHECK(itop_import_result_row_raw(result, 299, BUF) == OK && strstr(text, " 299") != NULL);
    CHECK(log.calls == 8);
    for (int i = 0; i < 8 && i < log.calls; i++) {
        uint64_t done = (uint64_t)(i + 1) * 40 > 300 ? 300 : (uint64_t)(i + 1) * 40;
        CHECK(log.chunks[i] == (uint64_t)i + 1 && log.rows[i] == done);
        CHECK(log.lines[i] == done + 2);
        CHECK(i == 0 || log.bytes[i] > log.bytes[i - 1]);
    }
    CHECK(log.calls == 8 && log.bytes[7] == len);
    itop_import_result_free(result);
    CHECK(count_orgs(client, prefix) == 300);

    /* From line 252 (row 250) of the same data: 50 rows, all unchanged. */
    options = (itop_chunk_options){.rows = 100, .resume_from_line = 252};
    CHECK(itop_client_import_chunked_bytes(client, request, (const uint8_t *)csv, len, &options, NULL,
                                           NULL, &result) == OK);
    CHECK(itop_import_result_summary(result, &summary) == OK);
    CHECK(summary.data_lines == 50 && summary.unchanged == 50 && summary.created == 0);
    CHECK(itop_import_result_chunks(result, &chunks) == OK);
    CHECK(chunks.first_row == 250 && chunks.rows == 50 && chunks.chunks == 1);
    CHECK(itop_import_result_row(result, 0, &row) == OK && row.line == 250);
    itop_import_result_free(result);

    /* The whole file again with the defaults: one chunk, nothing created. */
    const char *path = path_in(dir, "chunked.csv");
    write_file(path, csv);
    CHECK(itop_import_request_output(request, ITOP_OUTPUT_MODE_SUMMARY) == OK);
    CHECK(itop_client_import_chunked_file(client, request, path, NULL, NULL, NULL, &result) == OK);
    CHECK(itop_import_result_summary(result, &summary) == OK);
    CHECK(summary.unchanged == 300 && summary.created == 0);
    CHECK(itop_import_result_chunks(result, &chunks) == OK && chunks.chunks == 1 && chunks.complete);
    itop_import_result_free(result);
    CHECK(count_orgs(client, prefix) == 300);

    /* A single upload has no chunk summary. */
    CHECK(itop_client_import_bytes(client, request, (const uint8_t *)csv, len, &result) == OK);
    CHECK_ERROR(itop_import_result_chunks(result, &chunks), ITOP_STATUS_NOT_FOUND, "not a chunked");
    itop_import_result_free(result);
    result = NULL;

    /* Failures before anything is sent leave the result alone. */
    options = (itop_chunk_options){.bytes = 10};
    CHECK_ERROR(itop_client_import_chunked_bytes(client, request, (const uint8_t *)csv, len, &options,
                                                 NULL, NULL, &result),
                ITOP_STATUS_INVALID_REQUEST, "chunk_bytes");
    CHECK(result == NULL);
    CHECK_ERROR(itop_client_import_chunked_file(client, request, path_in(dir, "missing.csv"), NULL,
                                                on_progress, &log, &result),
                ITOP_STATUS_IO, "missing.csv");
    CHECK_ERROR(itop_client_import_chunked_file(client, NULL, path, NULL, NULL, NULL, &result),
                ITOP_STATUS_NULL_ARGUMENT, "request is NULL");
    CHECK_ERROR(itop_client_import_chunked_bytes(client, request, NULL, 3, NULL, NULL, NULL, &result),
                ITOP_STATUS_NULL_ARGUMENT, "data is NULL");
    CHECK(result == NULL);
    CHECK_ERROR(itop_import_result_chunks(NULL, &chunks), ITOP_STATUS_NULL_ARGUMENT, "result");
    itop_import_request_free(request);
    free(csv);
}

/* On an iTop that drops bodies over 4000 bytes, the chunk holding long rows
 * fails; resuming from its line with smaller chunks completes the import. */
static void test_chunked_failure(const char *limited_url, const char *tag) {
    itop_client *client = make_client(limited_url, "admin", "Adm1n-secret");
    char prefix[64];
    snprintf(prefix, sizeof prefix, "Cut Org %s", tag);
    char *csv = org_csv(200, prefix, 120, 130);
    size_t len = strlen(csv);
    itop_import_request *request = org_request();
    itop_import_result *result = NULL;
    static struct progress_log log;
    itop_chunk_options options = {.rows = 50};
    itop_status status = itop_client_import_chunked_bytes(
        client, request, (const uint8_t *)csv, len, &options, on_progress, &log, &result);
    CHECK_ERROR(status, ITOP_STATUS_AUTH, "chunk 3 failed");
    CHECK(itop_last_error_message(BUF) == OK && strstr(text, "resume from line 102") != NULL);
    CHECK(strstr(text, "rows 0-99 written") != NULL);
    CHECK(result != NULL);
    itop_import_summary summary;
    CHECK(itop_import_result_summary(result, &summary) == OK);
    CHECK(summary.created == 100 && summary.data_lines == 100);
    itop_chunk_summary chunks;
    CHECK(itop_import_result_chunks(result, &chunks) == OK);
    CHECK(!chunks.complete && chunks.status == ITOP_STATUS_AUTH);
    CHECK(chunks.chunks == 2 && chunks.rows == 100 && chunks.has_failed_chunk && chunks.failed_chunk == 2);
    CHECK(chunks.committed_start == 0 && chunks.committed_end == 100);
    /* A dropped body reaches no row: nothing uncertain. */
    CHECK(chunks.uncertain_start == 100 && chunks.uncertain_end == 100);
    CHECK(chunks.resume_from_line == 102);
    CHECK(log.calls == 2 && log.lines[1] == 102);
    itop_import_result_free(result);
    result = NULL;
    CHECK(count_orgs(client, prefix) == 100);

    /* Resume where it stopped, with chunks small enough. */
    options = (itop_chunk_options){.rows = 50, .bytes = 2500, .resume_from_line = chunks.resume_from_line};
    CHECK(itop_client_import_chunked_bytes(client, request, (const uint8_t *)csv, len, &options, NULL,
                                           NULL, &result) == OK);
    CHECK(itop_import_result_summary(result, &summary) == OK);
    CHECK(summary.created == 100 && summary.data_lines == 100 && summary.issues == 0);
    CHECK(itop_import_result_chunks(result, &chunks) == OK);
    CHECK(chunks.complete && chunks.first_row == 100 && chunks.rows == 100);
    CHECK(chunks.committed_start == 100 && chunks.committed_end == 200 && chunks.chunks > 2);
    itop_import_result_free(result);
    CHECK(count_orgs(client, prefix) == 200);
    itop_import_request_free(request);
    free(csv);
    itop_client_free(client);
}

static char *replica_csv(int count, const char *tag, int long_from, int long_to) {
    size_t size = 128 + (size_t)count * (2 * strlen(tag) + 96) + (size_t)(long_to - long_from) * 400;
    char *csv = malloc(size);
    if (csv == NULL) {
        abort();
    }
    size_t len = (size_t)snprintf(csv, size, "primary_key;first_name;name;email;org_id;status\n");
    for (int i = 0; i < count; i++) {
        char name[401] = "Unk";
        if (i >= long_from && i < long_to) {
            memset(name, 'L', 400);
            name[400] = '\0';
        }
        len += (size_t)snprintf(csv + len, size - len, "%s-ch%d;Ch%d;%s;ch%d.%s@sync.example;Lab Org A;active\n",
                                tag, i, i, name, i, tag);
    }
    return csv;
}

static void test_chunked_synchro_import(itop_client *client, const char *tag, const char *dir,
                                        const char *limited_url) {
    char *csv = replica_csv(120, tag, 0, 0);
    size_t len = strlen(csv);
    itop_synchro_import_request *request = NULL;
    itop_synchro_import_result *result = NULL;
    CHECK(itop_synchro_import_request_new(1, &request) == OK);
    static struct progress_log log;
    itop_chunk_options options = {.rows = 50};
    CHECK(itop_client_synchro_import_chunked_bytes(client, request, (const uint8_t *)csv, len, &options,
                                                   on_progress, &log, &result) == OK);
    itop_synchro_import_summary summary;
    CHECK(itop_synchro_import_result_summary(result, &summary) == OK);
    CHECK(summary.has_import && summary.data_lines == 120 && summary.created == 120);
    CHECK(summary.has_synchro && !summary.has_issues);
    itop_synchro_counters counters;
    CHECK(itop_synchro_import_result_synchro_counters(result, &counters) == OK);
    CHECK(counters.created >= 120 && counters.error_total == 0);
    itop_chunk_summary chunks;
    CHECK(itop_synchro_import_result_chunks(result, &chunks) == OK);
    CHECK(chunks.complete && chunks.chunks == 3 && chunks.rows == 120 && chunks.resume_from_line == 0);
    CHECK(log.calls == 3 && log.lines[2] == 122 && log.rows[1] == 100);
    itop_synchro_import_result_free(result);

    /* From a file, without synchronization: replicas updated, no counters. */
    const char *path = path_in(dir, "chunked-replicas.csv");
    write_file(path, csv);
    CHECK(itop_synchro_import_request_synchronize(request, false) == OK);
    CHECK(itop_client_synchro_import_chunked_file(client, request, path, &options, NULL, NULL, &result) == OK);
    CHECK(itop_synchro_import_result_summary(result, &summary) == OK);
    CHECK(summary.updated == 120 && !summary.has_synchro);
    itop_synchro_import_result_free(result);
    result = NULL;
    CHECK_ERROR(itop_client_synchro_import_chunked_file(client, request, NULL, NULL, NULL, NULL, &result),
                ITOP_STATUS_NULL_ARGUMENT, "csv_path is NULL");
    CHECK_ERROR(itop_synchro_import_result_chunks(NULL, &chunks), ITOP_STATUS_NULL_ARGUMENT, "result");
    CHECK(itop_client_synchro_import_bytes(client, request, (const uint8_t *)csv, len, &result) == OK);
    CHECK_ERROR(itop_synchro_import_result_chunks(result, &chunks), ITOP_STATUS_NOT_FOUND, "not a chunked");
    itop_synchro_import_result_free(result);
    result = NULL;
    free(csv);

    /* A chunk too big for the limited iTop: the load stops, no synchronization. */
    itop_client *limited = make_client(limited_url, "admin", "Adm1n-secret");
    csv = replica_csv(60, tag, 35, 45);
    CHECK(itop_synchro_import_request_synchronize(request, true) == OK);
    options = (itop_chunk_options){.rows = 30};
    CHECK_ERROR(itop_client_synchro_import_chunked_bytes(limited, request, (const uint8_t *)csv, strlen(csv),
                                                         &options, NULL, NULL, &result),
                ITOP_STATUS_AUTH, "chunk 2 failed");
    CHECK(result != NULL);
    CHECK(itop_synchro_import_result_summary(result, &summary) == OK);
    CHECK(summary.data_lines == 30 && summary.created == 30 && !summary.has_synchro);
    CHECK(itop_synchro_import_result_chunks(result, &chunks) == OK);
    CHECK(!chunks.complete && chunks.failed_chunk == 1 && chunks.resume_from_line == 32);
    itop_synchro_import_result_free(result);
    free(csv);
    itop_client_free(limited);
    itop_synchro_import_request_free(request);
}

static void test_export_legacy(itop_client *client, const char *tag, const char *dir) {
    static struct sink sink;
    memset(&sink, 0, sizeof sink);
    char name[64];
    snprintf(name, sizeof name, "Chunk Org %s 007", tag);
    itop_legacy_export_request *request = NULL;
    itop_export_result *result = NULL;
    CHECK(itop_legacy_export_request_new("SELECT Organization WHERE name = :name", &request) == OK);
    CHECK(itop_legacy_export_request_argument(request, "name", name) == OK);
    CHECK(itop_legacy_export_request_fields(request, "name,code") == OK);
    CHECK(itop_legacy_export_request_format(request, ITOP_EXPORT_FORMAT_CSV) == OK);
    CHECK(itop_client_export_legacy_to_callback(client, request, collect, &sink, &result) == OK);
    /* No BOM, an unquoted header, one row. */
    CHECK(strncmp(sink.data, "name,code\n\"", 11) == 0);
    CHECK(strstr(sink.data, name) != NULL && strstr(sink.data, "\"K7\"") != NULL);
    uint64_t bytes = 0;
    CHECK(itop_export_result_bytes(result, &bytes) == OK && bytes == sink.len);
    itop_export_result_free(result);

    /* The same to a file: the same bytes, replacing what was there. */
    const char *path = path_in(dir, "legacy.csv");
    write_file(path, "old\n");
    CHECK(itop_client_export_legacy_to_path(client, request, path, &result) == OK);
    FILE *file = fopen(path, "rb");
    size_t read = file ? fread(text, 1, sizeof text, file) : 0;
    if (file) {
        fclose(file);
    }
    CHECK(read == sink.len && memcmp(text, sink.data, read) == 0);
    itop_export_result_free(result);
    result = NULL;
    itop_legacy_export_request_free(request);

    /* A failed export leaves the file as it was. */
    write_file(path, "old\n");
    CHECK(itop_legacy_export_request_new("SELEKT Organization", &request) == OK);
    CHECK_ERROR(itop_client_export_legacy_to_path(client, request, path, &result), ITOP_STATUS_BAD_REQUEST,
                "SELEKT");
    CHECK(result == NULL);
    file = fopen(path, "rb");
    read = file ? fread(text, 1, sizeof text, file) : 0;
    if (file) {
        fclose(file);
    }
    CHECK(read == 4 && memcmp(text, "old\n", 4) == 0);
    CHECK_ERROR(itop_client_export_legacy_to_callback(client, request, NULL, NULL, &result),
                ITOP_STATUS_NULL_ARGUMENT, "callback");
    CHECK_ERROR(itop_legacy_export_request_format(request, ITOP_EXPORT_FORMAT_PDF), ITOP_STATUS_INVALID_REQUEST,
                "no PDF");
    CHECK_ERROR(itop_legacy_export_request_fields(NULL, "name"), ITOP_STATUS_NULL_ARGUMENT, "request");
    itop_legacy_export_request_free(request);

    /* External fields are refused before anything is sent. */
    CHECK(itop_legacy_export_request_new_phrasebook("14", &request) == OK);
    CHECK(itop_legacy_export_request_fields(request, "name,org_id->name") == OK);
    CHECK_ERROR(itop_client_export_legacy_to_path(client, request, path, &result), ITOP_STATUS_INVALID_REQUEST,
                "external fields");
    CHECK(result == NULL);
    itop_legacy_export_request_free(request);
}

static void test_params(const char *dir) {
    const char *path = path_in(dir, "creds.params");
    write_file(path, "auth_user = admin\nauth_pwd = s3cr#et\nauth_login = x\n");
    itop_params *params = NULL;
    CHECK(itop_params_read(path, &params) == OK);
    CHECK(itop_params_get(params, "auth_pwd", BUF) == OK && strcmp(text, "s3cr") == 0);
    CHECK_ERROR(itop_params_get(params, "nope", BUF), ITOP_STATUS_NOT_FOUND, "no parameter `nope`");
    size_t count = 0;
    CHECK(itop_params_count(params, &count) == OK && count == 3);
    CHECK(itop_params_key(params, 2, BUF) == OK && strcmp(text, "auth_login") == 0);
    CHECK_ERROR(itop_params_key(params, 3, BUF), ITOP_STATUS_NOT_FOUND, "no key 3");

    itop_findings *findings = NULL;
    CHECK(itop_params_lint(params, ITOP_SERVICE_IMPORT, &findings) == OK);
    CHECK(itop_findings_count(findings, &count) == OK && count == 2);
    itop_finding finding;
    CHECK(itop_findings_get(findings, 0, &finding) == OK);
    CHECK(finding.line == 2 && finding.column == 16 && finding.severity == ITOP_SEVERITY_CHANGED);
    CHECK(itop_findings_message(findings, 1, BUF) == OK && strstr(text, "did you mean `auth_user`?") != NULL);
    CHECK(itop_findings_path(findings, 0, BUF) == OK && strcmp(text, path) == 0);
    CHECK_ERROR(itop_findings_get(findings, 2, &finding), ITOP_STATUS_NOT_FOUND, "no finding 2");
    CHECK(itop_params_check_report(params, findings, BUF) == OK);
    CHECK(strstr(text, "auth_pwd = ***") != NULL && strstr(text, "s3cr") == NULL);
    CHECK_ERROR(itop_params_lint(params, 77, &findings), ITOP_STATUS_INVALID_REQUEST, "service");
    itop_findings_free(findings);

    /* A value iTop would cut is not written. */
    CHECK(itop_params_set(params, "comment", "a#b") == OK);
    CHECK_ERROR(itop_params_write(params, path_in(dir, "out.params")), ITOP_STATUS_PARAMS, "#");
    itop_params_free(params);

    /* Written, then read back the same. */
    CHECK(itop_params_new(&params) == OK);
    CHECK(itop_params_set(params, "auth_user", "admin") == OK);
    CHECK(itop_params_set(params, "separator", ";") == OK);
    CHECK(itop_params_write(params, path_in(dir, "out.params")) == OK);
    itop_params_free(params);
    CHECK(itop_params_read(path_in(dir, "out.params"), &params) == OK);
    CHECK(itop_params_get(params, "separator", BUF) == OK && strcmp(text, ";") == 0);
    itop_params_free(params);
    params = NULL;
    CHECK_ERROR(itop_params_read(path_in(dir, "missing.params"), &params), ITOP_STATUS_PARAMS, "missing.params");
    CHECK(params == NULL);

    const char *data = "a=b=c\n";
    CHECK(itop_params_parse((const uint8_t *)data, strlen(data), "mem.params", &params) == OK);
    CHECK(itop_params_get(params, "a=b", BUF) == OK && strcmp(text, "c") == 0);
    itop_params_free(params);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s URL TAG DIR LIMITED_URL\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *tag = argv[2], *dir = argv[3], *limited_url = argv[4];
    test_status_and_last_error();
    test_nulls();
    test_builder_errors(url, dir);
    test_wrong_credentials(url, dir);
    itop_client *client = make_client(url, "admin", "Adm1n-secret");
    test_import(client, tag, dir);
    test_export(client, tag, dir);
    test_synchro_import(client, tag, dir);
    test_synchro_exec(client);
    test_cron(client);
    test_chunked_import(client, tag, dir);
    test_chunked_failure(limited_url, tag);
    test_chunked_synchro_import(client, tag, dir, limited_url);
    test_export_legacy(client, tag, dir);
    itop_client_free(client);
    test_params(dir);
    printf("c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
