/* Writes a runbook-like YAML document of at least the given size (default 5,000,000 bytes) to
 * standard output: one mapping whose `runbooks:` sequence holds many runbooks, with the mix of
 * plain, quoted and block scalars, flow and block collections, and comments that runbooks use. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long target = argc > 1 ? atol(argv[1]) : 5000000L;
    long written = 0;
    written += printf("# Generated runbook-like YAML for the loader benchmark.\nrunbooks:\n");
    for (int i = 1; written < target; i++) {
        int standby = i, primary = i + 1;
        written += printf(
            "  - runbook: \"Fail over ob-prod-sh-%04d (cluster %d) to primary\"\n"
            "    description: Quarterly DR drill for the Shanghai standby number %d.\n"
            "    owner: 'sre-team-%d'\n"
            "    # Variables used by the steps below.\n"
            "    vars:\n"
            "      standby: %d\n"
            "      primary: %d\n"
            "      rto: 30m\n"
            "      regions: [cn-shanghai, cn-hangzhou, cn-beijing]\n"
            "      ratio: 0.%d\n"
            "      enabled: %s\n"
            "    steps:\n"
            "      - precheck failover cluster: ${standby}\n"
            "      - assert cluster ${standby}:\n"
            "          type: STANDBY\n"
            "          status: RUNNING\n"
            "      - failover cluster: ${standby}\n"
            "      - await task status: SUCCESS\n"
            "        timeout: ${rto}\n"
            "      - assert subtask \"Remove standby cluster\"\n"
            "      - assert subtask \"Failover to Primary\":\n"
            "          status: SUCCESSFUL\n"
            "          took under: 10m\n"
            "      - note: |\n"
            "          Drill %d keeps the standby's tenants read-only until the switch.\n"
            "          Check: \"replication lag\" under 5s, then proceed.\n"
            "      - run: >\n"
            "          Folded text that the runbook shows to the operator while the\n"
            "          failover of cluster %d is in progress.\n"
            "      - check: {cluster: %d, tenant: t%d, zones: [z1, z2, z3], ok: null, weight: 0x%x}\n"
            "    simulate:\n"
            "      clusters:\n"
            "        - {id: %d, name: ob-prod-sh-%04d, role: STANDBY}\n"
            "        - {id: %d, name: ob-prod-hz-%04d, role: PRIMARY}\n"
            "      faults: []\n",
            i, standby, i, i % 17, standby, primary, i % 100, i % 2 ? "true" : "false", i, standby, standby, i,
            i, standby, i, primary, primary);
    }
    return 0;
}
