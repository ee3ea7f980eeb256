/// The tenant runbooks of the language brief (design/language.md, "Tenants"), as written: the
/// switchover runbook, and the `simulate` block with tenants under the steps of a region loss.
/// Tests run them embedded and over HTTP.
package enum TenantBrief {
    /// The language brief's switchover runbook, as written.
    package static let switchover = """
        runbook: Planned switchover of tenant orders (Hangzhou to Shanghai) and back
        vars:
          standby: 2000025
          primary: 2000022
        steps:
          - precheck switchover tenant: ${standby}
          - switchover tenant: ${standby}
            as: swap
          - await task swap status: SUCCESS
          - assert tenant ${standby}:
              role: PRIMARY
              status: NORMAL
              primary: none
          - assert tenant ${primary}:
              role: STANDBY
              primary: ${standby}
          - switchover tenant: ${primary}
            as: back
          - await task back status: SUCCESS
          - assert subtask "Switchover standby tenant to primary" of task back
        """

    /// The language brief's `simulate` block with tenants, as written, with the steps of a region loss.
    package static let regionLoss = """
        runbook: Region loss
        simulate:
          clusters:
            - {id: 3000009, name: ob-hz}
            - {id: 3000010, name: ob-sh}
          tenants:
            - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY, reachable: false}
            - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 800ms}
            - {id: 2000031, name: payments, cluster: 3000009, role: PRIMARY, reachable: false}
            - {id: 2000032, name: payments, cluster: 3000010, role: STANDBY, primary: 2000031, lag: 2s}
          faults:
            - subtask: Failover to primary tenant
              tenant: 2000032
              fail: 1
              message: "ret=-4179: standby log not caught up"
        steps:
          - precheck failover tenant: 2000025
          - failover tenants of cluster: 3000010
            as: takeover
          - await task takeover status: SUCCESS
        """
}
