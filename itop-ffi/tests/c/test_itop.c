/* Tests of every function of itop.h against the loopback iTop.
 * Usage: test_itop URL TAG DIR  (TAG makes names unique per run, DIR is a
 * scratch folder holding an executable `slow-php` that sleeps). Prints failed checks, then `c: N passed, M failed`. */
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
    if (argc != 4) {
        fprintf(stderr, "usage: %s URL TAG DIR\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *tag = argv[2], *dir = argv[3];
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
    itop_client_free(client);
    test_params(dir);
    printf("c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
