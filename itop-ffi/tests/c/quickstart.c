/* Quick start: import two organizations, then export them as CSV.
 * Usage: quickstart URL LOGIN PASSWORD */
#include <stdio.h>
#include <string.h>

#include "itop.h"

/* Prints the last error of this thread and returns 1. */
static int fail(const char *what, itop_status status) {
    char message[1024];
    size_t written = 0;
    itop_last_error_message(message, sizeof message, &written);
    fprintf(stderr, "%s failed (%s): %s\n", what, itop_status_name(status), message);
    return 1;
}

/* The export callback: CSV data goes to the FILE given as userdata. */
static int to_file(void *userdata, const uint8_t *data, size_t len) {
    return fwrite(data, 1, len, (FILE *)userdata) == len ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s URL LOGIN PASSWORD\n", argv[0]);
        return 2;
    }
    int rc = 1;
    itop_client_builder *builder = NULL;
    itop_client *client = NULL;
    itop_import_request *import = NULL;
    itop_import_result *report = NULL;
    itop_export_request *export = NULL;
    itop_export_result *exported = NULL;
    itop_status status;

    /* A client: where iTop is, and who logs in. */
    if ((status = itop_client_builder_new(&builder)) != ITOP_STATUS_OK
        || (status = itop_client_builder_url(builder, argv[1])) != ITOP_STATUS_OK
        || (status = itop_client_builder_password(builder, argv[2], argv[3])) != ITOP_STATUS_OK
        || (status = itop_client_build(builder, &client)) != ITOP_STATUS_OK) {
        rc = fail("client", status);
        goto done;
    }

    /* Import CSV held in memory, reconciled on the organization's name. */
    const char *csv = "name,code,status\n"
                      "\"Quick Start Org A\",QSA,active\n"
                      "\"Quick Start Org B\",QSB,active\n";
    if ((status = itop_import_request_new("Organization", &import)) != ITOP_STATUS_OK
        || (status = itop_import_request_reconciliation_keys(import, "name")) != ITOP_STATUS_OK
        || (status = itop_client_import_bytes(client, import, (const uint8_t *)csv, strlen(csv),
                                              &report)) != ITOP_STATUS_OK) {
        rc = fail("import", status);
        goto done;
    }
    itop_import_summary summary;
    itop_import_result_summary(report, &summary);
    printf("import: %llu line(s): created %llu, updated %llu, unchanged %llu, issues %llu\n",
           (unsigned long long)summary.data_lines, (unsigned long long)summary.created,
           (unsigned long long)summary.updated, (unsigned long long)summary.unchanged,
           (unsigned long long)summary.issues);

    /* Export them back, streamed to stdout. */
    if ((status = itop_export_request_new("SELECT Organization WHERE code LIKE 'QS%'", &export))
            != ITOP_STATUS_OK
        || (status = itop_export_request_fields(export, "name,code,status")) != ITOP_STATUS_OK
        || (status = itop_client_export_to_callback(client, export, to_file, stdout, &exported))
            != ITOP_STATUS_OK) {
        rc = fail("export", status);
        goto done;
    }
    rc = 0;

done:
    itop_export_result_free(exported);
    itop_export_request_free(export);
    itop_import_result_free(report);
    itop_import_request_free(import);
    itop_client_free(client);
    itop_client_builder_free(builder);
    return rc;
}
