"""Ansible playbooks equivalent to the runbooks the benchmarks generate (see benchmarks/run).

Each runbook step becomes the task an SRE would write for it: `uri` for an OCP call, `uri` with
`until`/`retries`/`delay` for a wait, `assert` for an assertion, `debug` for a note, `pause` for
a sleep, `loop` for a `for each`.
"""

OCP = "{{ ocp }}"


def header(title):
    return (
        "- name: %s\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  vars:\n    ocp: http://127.0.0.1:8080\n"
        "    standby: 6\n    standbys: [6, 8]\n  tasks:\n" % title
    )


def task_mix(i):
    """The ten tasks mirroring the ten steps of benchmarks/check/generate.py's cycle, for cycle i."""
    return [
        f"""    - name: failover cluster {{{{ standby }}}} (t{i})
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters/{{{{ standby }}}}/failover"
        method: POST
      register: t{i}
""",
        f"""    - name: await task t{i} status SUCCESSFUL
      ansible.builtin.uri:
        url: "{OCP}/api/v2/tasks/instances/{{{{ t{i}.json.data.id }}}}"
      register: t{i}_detail
      until: t{i}_detail.json.data.status == 'SUCCESSFUL'
      retries: 180
      delay: 10
""",
        f"""    - name: assert subtask Failover to Primary of task t{i}
      ansible.builtin.assert:
        that:
          - "(t{i}_detail.json.data.subtasks | selectattr('name', 'equalto', 'Failover to Primary') | first).status == 'SUCCESSFUL'"
""",
        f"""    - name: read clusters ({i})
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters?page=1&size=2000"
      register: clusters_{i}
""",
        f"""    - name: note step {i}
      ansible.builtin.debug:
        msg: "step {i} on cluster {{{{ standby }}}} by {{{{ lookup('env', 'USER') }}}}"
""",
        f"""    - name: sleep ({i})
      ansible.builtin.pause:
        seconds: 1
""",
        f"""    - name: precheck switchover cluster 5 ({i})
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters/5/switchoverPreCheck"
        method: POST
      register: precheck_{i}
      failed_when: not precheck_{i}.json.data.result.valid
""",
        f"""    - name: await cluster 5 status RUNNING ({i})
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters?page=1&size=2000"
      register: cluster5_{i}
      until: (cluster5_{i}.json.data.contents | selectattr('id', 'equalto', 5) | first).status == 'RUNNING'
      retries: 360
      delay: 10
""",
        f"""    - name: for each cluster ({i})
      ansible.builtin.debug:
        msg: "cluster {{{{ item }}}}"
      loop: "{{{{ standbys }}}}"
""",
        f"""    - name: assert task t{i}
      ansible.builtin.assert:
        that:
          - t{i}_detail.json.data.status == 'SUCCESSFUL'
""",
    ]


def big_playbook(steps):
    """The playbook equivalent to `benchmarks/check/generate.py steps`."""
    out = [header("Generated drill of %d tasks" % steps)]
    cycle = []
    for n in range(steps):
        if n % 10 == 0:
            cycle = task_mix(n // 10)
        out.append(cycle[n % 10])
    return "".join(out)


def three_step_playbook():
    """The README's three-step runbook: fail over cluster 6, await its task, assert a subtask."""
    return header("Fail over cluster 6") + f"""    - name: failover cluster 6
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters/6/failover"
        method: POST
      register: failover
    - name: await task status SUCCESSFUL
      ansible.builtin.uri:
        url: "{OCP}/api/v2/tasks/instances/{{{{ failover.json.data.id }}}}"
      register: detail
      until: detail.json.data.status == 'SUCCESSFUL'
      retries: 1800
      delay: 1
    - name: assert subtask Remove standby cluster
      ansible.builtin.assert:
        that:
          - "(detail.json.data.subtasks | selectattr('name', 'equalto', 'Remove standby cluster') | first).status == 'SUCCESSFUL'"
"""


def drill_playbook():
    """The failover drill over HTTP: POST the failover, await the task with `until`, assert each
    of the nine subtasks SUCCESSFUL. `ocp` is passed with -e."""
    names = ["Mc lock ob clusters", "Failover to Primary Check", "Failover to Primary", "Update OB cluster status",
             "Wait node", "Mc ob failover update mc ob cluster", "Sync all cluster info", "Remove standby cluster",
             "Mc unlock ob clusters"]
    asserts = "".join(
        f"""          - "(detail.json.data.subtasks | selectattr('name', 'equalto', '{n}') | first).status == 'SUCCESSFUL'"
""" for n in names)
    return header("Fail over cluster 6") + f"""    - name: failover cluster 6
      ansible.builtin.uri:
        url: "{OCP}/api/v2/ob/clusters/6/failover"
        method: POST
      register: failover
    - name: await task status SUCCESSFUL
      ansible.builtin.uri:
        url: "{OCP}/api/v2/tasks/instances/{{{{ failover.json.data.id }}}}"
      register: detail
      until: detail.json.data.status == 'SUCCESSFUL'
      retries: 1800
      delay: 1
    - name: assert the nine subtasks
      ansible.builtin.assert:
        that:
{asserts}"""
