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
    package static var json: JSONOutput {
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
                "objectives": [
                    "description": "What the drill must prove; a breached or unknown objective fails the run.",
                    "type": "object",
                    "additionalProperties": false,
                    "minProperties": 1,
                    "properties": [
                        "recovery time": ref("duration", "The RTO: from `outage` to `recovered` (without them, the longest action)."),
                        "data loss": ref("duration", "The RPO: each promoted standby's lag when it was promoted."),
                    ],
                ],
                "watch": [
                    "description": "Probes run all through the run, each on its own `every` (default 10s); downtime is measured.",
                    "type": "array",
                    "items": ["$ref": "#/$defs/step"],
                ],
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
    private static var subject: String { "(?:\(number)|\(reference))" }
    private static var subtask: String { "(?:\(quoted)|\(reference))" }
    private static var task: String { "(?:\(number)|\(reference)|\(name))" }
    private static var ofTask: String { "(?:\(space)of\(space)task\(space)\(task))?" }

    /// The pattern of a phrase's key, element by element; `field` writes that field word (nil: none),
    /// `subjectInKey` whether an optional subject is written in the key.
    private static func keyPattern(_ descriptor: PhraseDescriptor, field: String?, subjectInKey: Bool) -> String {
        let s = space
        var out = ""
        for element in descriptor.grammar {
            switch element {
            case .word(let w): out += (out.isEmpty ? "" : s) + w
            case .subject(_, let required): if required || subjectInKey { out += s + subject }
            case .task(let followers):
                let guardText = field == nil && !followers.isEmpty
                    ? "(?!(?:" + followers.joined(separator: "|") + ")$)" : ""
                out += "(?:\(s)\(guardText)\(task))?"
            case .subtask: out += s + subtask
            case .ofTask: out += ofTask
            case .field: if let field { out += s + field }
            case .variable: out += s + name
            case .list: out += s + reference
            }
        }
        return "^" + out + "$"
    }

    /// The schema of a field's value.
    private static func valueSchema(_ spec: FieldSpec, _ description: String) -> JSONOutput {
        switch spec.kind {
        case .word(let set): ref(set.schemaName, description)
        case .count: ["description": .string(description), "type": "integer", "minimum": 1]
        case .duration: ref("duration", description)
        case .text: ref("text", description)
        case .id: ref("clusterId", description)
        case .idOrNone:
            ["description": .string(description), "anyOf": [["$ref": "#/$defs/tenantId"], ["const": "none"]]]
        }
    }

    /// Phrase key patterns, each with the schema of its value, from the phrase descriptors.
    private static var phrases: [(pattern: String, value: JSONOutput)] {
        var out: [(String, JSONOutput)] = []
        for d in PhraseDescriptor.all {
            let optionalSubject = d.grammar.contains { if case .subject(_, false) = $0 { true } else { false } }
            switch d.family {
            case .startsTask, .precheck:
                let kind = d.subject ?? .cluster
                out.append((keyPattern(d, field: nil, subjectInKey: false), ref("\(kind.rawValue)Id", d.summary)))
                if optionalSubject { out.append((keyPattern(d, field: nil, subjectInKey: true), noValue)) }
            case .taskOperation, .subtaskOperation:
                out.append((keyPattern(d, field: nil, subjectInKey: false), noValue))
            case .wait:
                for spec in d.fields?.fields ?? [] where spec.inKey {
                    out.append((keyPattern(d, field: spec.name, subjectInKey: true), valueSchema(spec, d.summary)))
                }
            case .assertion:
                let fields = d.fields ?? .task
                let all: JSONOutput = ref("\(fields.subject)Fields", d.summary)
                out.append(
                    (
                        keyPattern(d, field: nil, subjectInKey: true),
                        d.kind == .assertSubtask ? ["description": .string(d.summary), "anyOf": [["type": "null"], all]] : all
                    ))
                for spec in fields.fields where spec.inKey {
                    out.append(
                        (
                            keyPattern(d, field: spec.name, subjectInKey: true),
                            valueSchema(spec, "Check the \(fields.subject)'s \(spec.name) once.")
                        ))
                }
            case .sleep: out.append((keyPattern(d, field: nil, subjectInKey: false), ref("duration", d.summary)))
            case .note, .confirm, .marker: out.append((keyPattern(d, field: nil, subjectInKey: false), ref("text", d.summary)))
            case .probe(let kind, _):
                let value: JSONOutput =
                    switch kind {
                    case .http: ["description": .string(d.summary), "type": "string", "anyOf": [["pattern": "^https?://"], ["pattern": .string(reference)]]]
                    case .tcp: ["description": .string(d.summary), "type": "string", "anyOf": [["pattern": "^(?:\\[[^\\]]+\\]|[^:\\[\\]]+):[0-9]{1,5}$"], ["pattern": .string(reference)]]]
                    case .command:
                        ["description": .string(d.summary), "anyOf": [["type": "string", "minLength": 1], ["type": "array", "minItems": 1, "items": ["$ref": "#/$defs/text"]]]]
                    }
                out.append((keyPattern(d, field: nil, subjectInKey: false), value))
            case .loop:
                out.append(
                    (
                        keyPattern(d, field: nil, subjectInKey: false),
                        ["description": .string(d.summary), "type": "array", "minItems": 1, "items": ["$ref": "#/$defs/step"]]
                    ))
            }
        }
        return out
    }

    /// Phrases written alone, as a step that is a string: those whose value may be absent.
    private static var bareStepPattern: String {
        var alternatives: [String] = []
        for d in PhraseDescriptor.all {
            let pattern: String
            switch d.family {
            case .startsTask, .precheck: pattern = keyPattern(d, field: nil, subjectInKey: true)
            case .taskOperation, .subtaskOperation: pattern = keyPattern(d, field: nil, subjectInKey: false)
            case .assertion where d.kind == .assertSubtask: pattern = keyPattern(d, field: nil, subjectInKey: false)
            default: continue
            }
            alternatives.append(String(pattern.dropFirst().dropLast()))
        }
        return "^(?:" + alternatives.joined(separator: "|") + ")$"
    }

    private static let noValue: JSONOutput = ["description": "This phrase takes no value.", "type": "null"]

    /// The patterns of duration texts, and any text with `${...}` (checked by `runbook check`).
    private static let durationPattern =
        #"^[ \t]*(?:[0-9]+(?:\.[0-9]+)?|(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+(?:\.[0-9]+)?s)?(?:[0-9]+ms)?)[ \t]*$"#

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
            JSONOutputMember(
                "tenantId",
                [
                    "description": "An OCP tenant id (such as 2000025, not an obTenantId): a number or ${...}.",
                    "anyOf": [["type": "integer", "minimum": 1], ["$ref": "#/$defs/expression"]],
                ]),
        ]
            + WordSet.all.map { JSONOutputMember($0.schemaName, words($0)) }
            + [
                JSONOutputMember("steps", ["type": "array", "items": ["$ref": "#/$defs/step"]]),
                JSONOutputMember("step", step),
            ]
            + FieldSet.all.map { set in
                JSONOutputMember("\(set.subject)Fields", fields(set.fields.map { ($0.name, valueSchema($0, $0.summary)) }))
            }
            + [
            JSONOutputMember("simulate", simulate),
            JSONOutputMember("cluster", clusterSpec),
            JSONOutputMember("tenant", tenantSpec),
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
                        "service name": ref("text", "The service name a tenant failover creates on the new primary."),
                        "as": [
                            "description": "Names the task this step starts (failover, switchover), or the group of tasks of a batch tenant phrase: `task NAME`, ${NAME.id}.",
                            "type": "string",
                            "pattern": "^\(name)$",
                        ],
                        "continue on failure": ["description": "A failure is logged but does not fail the run.", "type": "boolean"],
                        "max concurrency": [
                            "description": "How many items of an `in parallel for each` run at once (default 100).",
                            "anyOf": [["type": "integer", "minimum": 1], ["$ref": "#/$defs/expression"]],
                        ],
                        "method": ref("text", "The HTTP method of an http probe (default GET)."),
                        "headers": [
                            "description": "HTTP headers an http probe sends.", "type": "object",
                            "additionalProperties": ["$ref": "#/$defs/text"],
                        ],
                        "expect status": [
                            "description": "The HTTP status (or statuses) that pass an http probe (default any 2xx).",
                            "anyOf": [
                                ["type": "integer", "minimum": 100, "maximum": 599],
                                ["type": "array", "minItems": 1, "items": ["type": "integer", "minimum": 100, "maximum": 599]],
                            ],
                        ],
                        "expect body": ref("text", "Text the body of an http probe's answer must contain."),
                        "expect exit": [
                            "description": "The exit status that passes a command probe (default 0).", "type": "integer",
                            "minimum": 0, "maximum": 255,
                        ],
                        "expect output": ref("text", "Text a command probe's output must contain."),
                    ],
                    "patternProperties": .object(phrases.map { JSONOutputMember($0.pattern, $0.value) }),
                    "additionalProperties": false,
                ],
            ],
        ]
    }

    private static var simulate: JSONOutput {
        [
            "description": "The embedded simulator's setup: speed, clusters, tenants and faults.",
            "type": "object",
            "additionalProperties": false,
            "properties": [
                "speed": [
                    "description": "instant (default), realtime, or a factor such as 60x.",
                    "type": "string",
                    "pattern": #"^(?:instant|realtime|[0-9]+(?:\.[0-9]+)?x)$"#,
                ],
                "clusters": [
                    "description": "The clusters; without it, cluster 5 (PRIMARY, STOPPED) and its standby 6, and the OceanBase 4.x clusters 3000009 and 3000010.",
                    "type": "array",
                    "minItems": 1,
                    "items": ["$ref": "#/$defs/cluster"],
                ],
                "tenants": [
                    "description": "The OceanBase 4.x tenants; without it (and without clusters), primary tenant 2000022 on cluster 3000009 and its standby 2000025 on 3000010, 1 s behind.",
                    "type": "array",
                    "items": ["$ref": "#/$defs/tenant"],
                ],
                "faults": [
                    "description": "Faults to inject: in a subtask, or at an API endpoint.",
                    "type": "array",
                    "items": ["oneOf": [["$ref": "#/$defs/subtaskFault"], ["$ref": "#/$defs/apiFault"]]],
                ],
                "services": [
                    "description": "What the probes stand for: the simulator answers them from its state (no network, no program).",
                    "type": "array",
                    "items": [
                        "type": "object",
                        "required": ["probe"],
                        "additionalProperties": false,
                        "properties": [
                            "probe": [
                                "description": "A URL, HOST:PORT, a program and its arguments, or a command line.",
                                "anyOf": [["type": "string", "minLength": 1], ["type": "array", "minItems": 1, "items": ["$ref": "#/$defs/text"]]],
                            ],
                            "tenant": ref("text", "Served by whichever tenant of this name is the reachable PRIMARY."),
                            "cluster": ["description": "Served by this cluster while RUNNING.", "type": "integer", "minimum": 1],
                            "reroute": ref("fixedDuration", "How long after a role change the proxies send traffic to the new server (default 30s)."),
                            "answer": ref("text", "The body (http) or output (command) while it is up."),
                        ],
                        "oneOf": [["required": ["tenant"]], ["required": ["cluster"]]],
                    ],
                ],
            ],
        ]
    }

    private static var clusterSpec: JSONOutput {
        [
            "type": "object",
            "required": ["id"],
            "additionalProperties": false,
            "properties": [
                "id": ["type": "integer", "minimum": 1],
                "name": ref("text", "Default: obcluster-ID."),
                "type": ref("clusterType", "PRIMARY (the default, and what a 4.x cluster shows) or STANDBY."),
                "status": ref("clusterStatus", "Default: RUNNING."),
                "primary": ["description": "A standby's primary cluster id.", "type": "integer", "minimum": 1],
                "delayTime": ["description": "Seconds behind the primary.", "type": "integer", "minimum": 0],
                "syncStatus": ref("syncStatus", "Default: VALID."),
                "obVersion": ref("text", "The OceanBase version (default 4.2.1.0); a tenant switchover needs one on both clusters."),
                "obproxy": ref("text", "The OBProxy cluster it is attached to; a tenant switchover across clusters sharing none gets a warning."),
            ],
            "if": ["properties": ["type": ["const": "STANDBY"]], "required": ["type"]],
            "then": ["required": ["primary"]],
            "else": ["not": ["required": ["primary"]]],
        ]
    }

    private static var tenantSpec: JSONOutput {
        [
            "type": "object",
            "required": ["id", "cluster", "role"],
            "additionalProperties": false,
            "properties": [
                "id": ["description": "The OCP tenant id (not a cluster id).", "type": "integer", "minimum": 1],
                "name": ref("text", "Default: tenant-ID."),
                "cluster": ["description": "The OCP id of the cluster that hosts it.", "type": "integer", "minimum": 1],
                "role": ["description": "PRIMARY or STANDBY.", "enum": ["PRIMARY", "STANDBY"]],
                "primary": ["description": "A standby's primary tenant id.", "type": "integer", "minimum": 1],
                "lag": ref("fixedDuration", "How far a standby's log sync is behind its primary."),
                "reachable": ["description": "false: it cannot be connected (the disaster). Default: true.", "type": "boolean"],
                "syncStatus": ref("tenantSyncStatus", "Default: VALID."),
                "serviceName": ref("text", "Its service name."),
            ],
            "if": ["properties": ["role": ["const": "STANDBY"]]],
            "then": ["required": ["primary"]],
            "else": ["not": ["anyOf": [["required": ["primary"]], ["required": ["lag"]]]]],
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
                "tenant": ["description": "Only in tenant tasks for this tenant.", "type": "integer", "minimum": 1],
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

    private static func words(_ set: WordSet) -> JSONOutput {
        ["description": .string("A \(set.kind): \(set.spellingList)."), "enum": .array(set.spellings.map { .string($0) })]
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
