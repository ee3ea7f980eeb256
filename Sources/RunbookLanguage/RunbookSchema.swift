import OCPModel
import RunbookSupport
import RunbookYAML

/// The JSON Schema (draft 2020-12) of runbook files, printed by `runbook schema` and committed as
/// `docs/runbook.schema.json` for editors (`# yaml-language-server: $schema=...`) and CI.
///
/// The schema describes the shape: keys, value types, words and the phrase keys (as patterns of
/// the phrase grammar). What a schema cannot say is left to `runbook check`: that a step has
/// exactly one phrase, that names are defined, and the current-task rules.
public enum RunbookSchema {
    /// The schema as pretty-printed JSON with a final newline.
    public static var text: String { json.prettyText }

    /// The schema as a JSON value.
    public static var json: JSONOutput {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "runbook",
            "description": .string(
                "A runbook: a declarative YAML procedure for a disaster-recovery drill against OceanBase Cloud Platform (OCP). "
                    + "Check a file with `runbook check FILE`; the language is described in docs/language.md."),
            "type": "object",
            "required": ["runbook", "steps"],
            "additionalProperties": false,
            "properties": [
                "runbook": ref("text", "The title, shown in the log and reports."),
                "description": ref("text", "Free text."),
                "target": [
                    "description": "`embedded` (the default: the built-in OCP simulator) or an OCP base URL such as https://ocp.example.com:8080; may be ${...}.",
                    "type": "string",
                    "anyOf": [["const": "embedded"], ["pattern": "^https?://[^/ ]"], ["pattern": #"\$\{"#]],
                ],
                "vars": [
                    "description": "Variables, used as ${name}; overridable with --var name=value.",
                    "type": "object",
                    "propertyNames": ["pattern": "^\(name)$", "not": ["const": "env"]],
                ],
                "timeout": ref("duration", "Deadline for the whole run."),
                "simulate": ref("simulate", "Setup of the embedded simulator; ignored against a real OCP."),
                "steps": [
                    "description": "The procedure: a list of at least one step.",
                    "type": "array",
                    "minItems": 1,
                    "items": ["$ref": "#/$defs/step"],
                ],
                "on failure": ref("steps", "Runs when a step of `steps` fails."),
                "finally": ref("steps", "Runs at the end, whatever happened."),
            ],
            "$defs": definitions,
        ]
    }

    // MARK: - Patterns

    private static let space = "[ \\t]+"
    private static let number = "[0-9]+"
    private static let reference = #"\$\{[^}]*\}"#
    private static let quoted = #""(?:[^"\\]|\\.)*""#
    private static let name = "[A-Za-z_][A-Za-z0-9_-]*"
    private static var cluster: String { "(?:\(number)|\(reference))" }
    private static var subtask: String { "(?:\(quoted)|\(reference))" }
    private static var task: String { "(?:\(number)|\(reference)|\(name))" }
    private static var ofTask: String { "(?:\(space)of\(space)task\(space)\(task))?" }

    /// Phrase key patterns, each with the schema of its value.
    private static var phrases: [(pattern: String, value: JSONOutput)] {
        let s = space
        return [
            (
                "^(?:precheck\(s))?(?:failover|switchover)\(s)cluster$",
                ref("clusterId", "failover/switchover (and their precheck) of this cluster: a number or ${...}.")
            ),
            ("^(?:precheck\(s))?(?:failover|switchover)\(s)cluster\(s)\(cluster)$", noValue),
            ("^(?:retry|rollback)\(s)task(?:\(s)\(task))?$", noValue),
            ("^(?:retry|skip|cancel)\(s)subtask\(s)\(subtask)\(ofTask)$", noValue),
            ("^await\(s)task(?:\(s)\(task))?\(s)status$", ref("taskStatus", "Wait until the task has this status.")),
            ("^await\(s)subtask\(s)\(subtask)\(ofTask)\(s)status$", ref("subtaskStatus", "Wait until the subtask has this status.")),
            ("^await\(s)cluster\(s)\(cluster)\(s)type$", ref("clusterType", "Wait until the cluster has this type.")),
            ("^await\(s)cluster\(s)\(cluster)\(s)status$", ref("clusterStatus", "Wait until the cluster has this status.")),
            ("^assert\(s)task(?:\(s)(?!status$)\(task))?$", ref("taskFields", "Check the task's fields once.")),
            ("^assert\(s)task(?:\(s)\(task))?\(s)status$", ref("taskStatus", "Check the task's status once.")),
            (
                "^assert\(s)subtask\(s)\(subtask)\(ofTask)$",
                [
                    "description": "Check the subtask once: with no value, that it is SUCCESSFUL.",
                    "anyOf": [["type": "null"], ["$ref": "#/$defs/subtaskFields"]],
                ]
            ),
            ("^assert\(s)subtask\(s)\(subtask)\(ofTask)\(s)status$", ref("subtaskStatus", "Check the subtask's status once.")),
            ("^assert\(s)cluster\(s)\(cluster)$", ref("clusterFields", "Check the cluster's fields once.")),
            ("^assert\(s)cluster\(s)\(cluster)\(s)type$", ref("clusterType", "Check the cluster's type once.")),
            ("^assert\(s)cluster\(s)\(cluster)\(s)status$", ref("clusterStatus", "Check the cluster's status once.")),
            ("^assert\(s)cluster\(s)\(cluster)\(s)syncStatus$", ref("syncStatus", "Check the cluster's syncStatus once.")),
            ("^sleep$", ref("duration", "Wait this long.")),
            ("^note$", ref("text", "Write this text into the step log.")),
            ("^confirm$", ref("text", "Ask on a terminal before going on (`--yes` answers yes).")),
            (
                "^(?:in\(s)parallel\(s))?for\(s)each\(s)\(name)\(s)in\(s)\(reference)$",
                [
                    "description": "Run these steps once per item of the list (in parallel with `in parallel`).",
                    "type": "array",
                    "minItems": 1,
                    "items": ["$ref": "#/$defs/step"],
                ]
            ),
        ]
    }

    /// Phrases written alone, as a step that is a string.
    private static var bareStepPattern: String {
        let s = space
        return "^(?:(?:precheck\(s))?(?:failover|switchover)\(s)cluster\(s)\(cluster)"
            + "|(?:retry|rollback)\(s)task(?:\(s)\(task))?"
            + "|(?:retry|skip|cancel)\(s)subtask\(s)\(subtask)\(ofTask)"
            + "|assert\(s)subtask\(s)\(subtask)\(ofTask))$"
    }

    private static let noValue: JSONOutput = ["description": "This phrase takes no value.", "type": "null"]

    /// The patterns of duration texts, and any text with `${...}` (checked by `runbook check`).
    private static let durationPattern =
        #"^[ \t]*(?:[0-9]+(?:\.[0-9]+)?|(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?(?:[0-9]+ms)?)[ \t]*$"#

    // MARK: - Definitions

    private static var definitions: JSONOutput {
        .object([
            JSONOutputMember("text", ["type": ["string", "number", "boolean"]]),
            JSONOutputMember(
                "expression",
                ["description": "A ${...} reference: ${name}, ${name.field}, ${env.NAME}.", "type": "string", "pattern": .string(reference)]),
            JSONOutputMember(
                "duration",
                [
                    "description": "A duration: 500ms, 30s, 5m, 1h, 1h30m, a number of seconds, or ${...}.",
                    "anyOf": [
                        ["type": "number", "minimum": 0],
                        ["type": "string", "pattern": .string(durationPattern)],
                        ["$ref": "#/$defs/expression"],
                    ],
                ]),
            JSONOutputMember(
                "fixedDuration",
                [
                    "description": "A duration: 500ms, 30s, 5m, 1h, 1h30m or a number of seconds.",
                    "anyOf": [["type": "number", "minimum": 0], ["type": "string", "pattern": .string(durationPattern)]],
                ]),
            JSONOutputMember(
                "clusterId",
                [
                    "description": "An OCP cluster id: a number or ${...}.",
                    "anyOf": [["type": "integer", "minimum": 1], ["$ref": "#/$defs/expression"]],
                ]),
            JSONOutputMember("taskStatus", words(TaskStatus.self)),
            JSONOutputMember("subtaskStatus", words(SubtaskStatus.self)),
            JSONOutputMember("clusterType", words(ClusterType.self)),
            JSONOutputMember("clusterStatus", words(ClusterStatus.self)),
            JSONOutputMember("syncStatus", words(SyncStatus.self)),
            JSONOutputMember("steps", ["type": "array", "items": ["$ref": "#/$defs/step"]]),
            JSONOutputMember("step", step),
            JSONOutputMember(
                "taskFields",
                fields([
                    ("status", ref("taskStatus", "The task's status.")),
                    ("runTime", ["description": "The highest runTime of its subtasks.", "type": "integer", "minimum": 1]),
                    ("took under", ref("duration", "It finished within this duration.")),
                ])),
            JSONOutputMember(
                "subtaskFields",
                fields([
                    ("status", ref("subtaskStatus", "The subtask's status.")),
                    ("runTime", ["description": "How many times it has run.", "type": "integer", "minimum": 1]),
                    ("took under", ref("duration", "It finished within this duration.")),
                    ("after", ref("text", "The name of a subtask that finished before this one started.")),
                ])),
            JSONOutputMember(
                "clusterFields",
                fields([
                    ("type", ref("clusterType", "The cluster's role.")),
                    ("status", ref("clusterStatus", "The cluster's status.")),
                    ("syncStatus", ref("syncStatus", "A standby's replication state.")),
                ])),
            JSONOutputMember("simulate", simulate),
            JSONOutputMember("cluster", clusterSpec),
            JSONOutputMember("subtaskFault", subtaskFault),
            JSONOutputMember("apiFault", apiFault),
        ])
    }

    private static var step: JSONOutput {
        [
            "description": "A step: a phrase alone, or a mapping of one phrase key (with its value) and options.",
            "oneOf": [
                ["type": "string", "pattern": .string(bareStepPattern)],
                [
                    "type": "object",
                    "minProperties": 1,
                    "properties": [
                        "name": ref("text", "A label shown in the log instead of the phrase."),
                        "timeout": ref("duration", "Deadline for this step (waits default to 1h)."),
                        "every": ref("duration", "Longest interval between polls (waits only)."),
                        "as": [
                            "description": "Names the task this step starts (failover, switchover): `task NAME`, ${NAME.id}.",
                            "type": "string",
                            "pattern": "^\(name)$",
                        ],
                        "continue on failure": ["description": "A failure is logged but does not fail the run.", "type": "boolean"],
                        "max concurrency": [
                            "description": "How many items of an `in parallel for each` run at once.",
                            "anyOf": [["type": "integer", "minimum": 1], ["$ref": "#/$defs/expression"]],
                        ],
                    ],
                    "patternProperties": .object(phrases.map { JSONOutputMember($0.pattern, $0.value) }),
                    "additionalProperties": false,
                ],
            ],
        ]
    }

    private static var simulate: JSONOutput {
        [
            "description": "The embedded simulator's setup: speed, clusters and faults.",
            "type": "object",
            "additionalProperties": false,
            "properties": [
                "speed": [
                    "description": "instant (default), realtime, or a factor such as 60x.",
                    "type": "string",
                    "pattern": #"^(?:instant|realtime|[0-9]+(?:\.[0-9]+)?x)$"#,
                ],
                "clusters": [
                    "description": "The clusters; without it, cluster 5 (PRIMARY, STOPPED) and its standby 6.",
                    "type": "array",
                    "minItems": 1,
                    "items": ["$ref": "#/$defs/cluster"],
                ],
                "faults": [
                    "description": "Faults to inject: in a subtask, or at an API endpoint.",
                    "type": "array",
                    "items": ["oneOf": [["$ref": "#/$defs/subtaskFault"], ["$ref": "#/$defs/apiFault"]]],
                ],
            ],
        ]
    }

    private static var clusterSpec: JSONOutput {
        [
            "type": "object",
            "required": ["id", "type"],
            "additionalProperties": false,
            "properties": [
                "id": ["type": "integer", "minimum": 1],
                "name": ref("text", "Default: obcluster-ID."),
                "type": ref("clusterType", "PRIMARY or STANDBY."),
                "status": ref("clusterStatus", "Default: RUNNING."),
                "primary": ["description": "A standby's primary cluster id.", "type": "integer", "minimum": 1],
                "delayTime": ["description": "Seconds behind the primary.", "type": "integer", "minimum": 0],
                "syncStatus": ref("syncStatus", "Default: VALID."),
            ],
            "if": ["properties": ["type": ["const": "STANDBY"]], "required": ["type"]],
            "then": ["required": ["primary"]],
            "else": ["not": ["required": ["primary"]]],
        ]
    }

    private static var subtaskFault: JSONOutput {
        [
            "type": "object",
            "required": ["subtask"],
            "additionalProperties": false,
            "properties": [
                "subtask": ["description": "The subtask's name as OCP reports it.", "type": "string"],
                "cluster": ["description": "Only in tasks on this cluster.", "type": "integer", "minimum": 1],
                "fail": ["description": "Its first N runs fail.", "type": "integer", "minimum": 0],
                "message": ref("text", "The log line of a failed run."),
                "hang": ["description": "It runs past its timeout, then fails (TSK10012).", "type": "boolean"],
                "takes": ref("fixedDuration", "Overrides its duration."),
            ],
            "anyOf": [["required": ["fail"]], ["required": ["hang"]], ["required": ["takes"]]],
        ]
    }

    private static var apiFault: JSONOutput {
        [
            "type": "object",
            "required": ["endpoint", "status"],
            "additionalProperties": false,
            "properties": [
                "endpoint": [
                    "description": "METHOD /path as in OCP's API reference.",
                    "type": "string",
                    "pattern": "^(?:GET|POST) /api/v2/",
                    "examples": .array(SimulateBlockDecoder.endpoints.map { .string($0) }),
                ],
                "status": ["description": "The HTTP error status to answer.", "type": "integer", "minimum": 400, "maximum": 599],
                "times": ["description": "How many calls fail (default 1).", "type": "integer", "minimum": 1],
            ],
        ]
    }

    // MARK: - Helpers

    private static func ref(_ definition: String, _ description: String) -> JSONOutput {
        ["description": .string(description), "$ref": .string("#/$defs/\(definition)")]
    }

    private static func words<W: VocabularyWord>(_ type: W.Type) -> JSONOutput {
        ["description": .string("A \(W.wordKind): \(W.spellingList)."), "enum": .array(W.spellings.map { .string($0) })]
    }

    private static func fields(_ list: [(String, JSONOutput)]) -> JSONOutput {
        [
            "type": "object",
            "minProperties": 1,
            "additionalProperties": false,
            "properties": .object(list.map { JSONOutputMember($0.0, $0.1) }),
        ]
    }
}
