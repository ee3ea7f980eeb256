/// The HTML report's Mustache templates, compiled into the program (the tool ships as one
/// binary, with no resource files). `{{x}}` escapes `< > & " '`; no template uses `{{{x}}}`.
enum HTMLTemplates {
    /// Every template, by the name partials use.
    static let all: [(String, String)] = [
        ("head", head), ("drill", drill), ("timeline", timeline), ("dag", dag), ("step", step),
        ("comparison", comparison),
    ]

    /// The page's CSS, template text rather than a value (a value would be HTML-escaped, which
    /// CSS does not read).
    static let style = """
        <style>
        :root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--run:#0969da;--mute:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:#1f2328;margin:0;padding:24px;max-width:1200px}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{font-size:14px;margin:16px 0 6px}
        code,.mono{font:12px/1.4 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace;word-break:break-all}
        table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
        th{background:var(--bg);font-weight:600}
        .verdict{display:inline-block;font-size:28px;font-weight:800;letter-spacing:.04em;padding:6px 18px;border-radius:6px;color:#fff;margin:4px 0}
        .v-passed{background:var(--ok)}.v-failed,.v-target-failed,.v-journal-failed{background:var(--bad)}.v-interrupted,.v-incomplete{background:var(--warn)}
        .mode{font-weight:800;font-size:16px;padding:8px 12px;margin:10px 0;border-radius:6px;letter-spacing:.03em}
        .mode.rehearsal{background:repeating-linear-gradient(45deg,#fff8c5,#fff8c5 12px,#fae17d 12px,#fae17d 24px);border:2px solid #d4a72c;color:#4d2d00}
        .mode.real{background:#ffebe9;border:3px solid var(--bad);color:#82071e}
        .reason{font-size:15px;margin:6px 0 0}
        ul.warnings{background:#fff8c5;border:1px solid #d4a72c;padding:8px 8px 8px 28px;border-radius:6px}
        .o-met{color:var(--ok);font-weight:700}.o-breached,.o-unknown{color:var(--bad);font-weight:700}
        .outcome{font-weight:700;text-transform:uppercase;font-size:12px}
        .passed{color:var(--ok)}.failed,.unfinished{color:var(--bad)}.continued,.interrupted{color:var(--warn)}.skipped{color:var(--mute)}
        .step{border:1px solid var(--line);border-left:5px solid var(--mute);border-radius:4px;padding:6px 10px;margin:6px 0;page-break-inside:avoid}
        .step.s-passed{border-left-color:var(--ok)}.step.s-failed,.step.s-unfinished{border-left-color:var(--bad)}.step.s-continued,.step.s-interrupted{border-left-color:var(--warn)}
        .step.d1{margin-left:18px}.step.d2{margin-left:36px}.step.d3,.step.d4{margin-left:54px}
        .step p{margin:2px 0}.step .m,.meta{color:var(--mute);font-size:12px}.o{font-weight:700;text-transform:uppercase;font-size:12px}
        .step .msg{white-space:pre-wrap}
        .ef b{color:var(--mute);display:inline-block;width:70px}
        ul.calls{margin:2px 0;padding-left:18px;font-size:12px}ul.calls code{font-size:11px}ul.calls .t{font:11px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--mute);word-break:break-all}
        .obs{margin:2px 0;padding-left:18px;font-size:13px}
        svg text{font:11px system-ui,sans-serif;fill:#1f2328}
        svg.timeline,#trend svg{max-width:100%;height:auto}
        svg .hdr{font-weight:700}
        svg .grid{stroke:#eaeef2}svg .tick{fill:var(--mute)}svg .marker{stroke:#8250df;stroke-width:1.5;stroke-dasharray:4 2}svg .mk{fill:#8250df;font-weight:700}
        svg rect.bar{stroke:rgba(0,0,0,.25);stroke-width:.5}
        svg .step.passed,svg .subtask.successful,svg .task.successful{fill:#4ac26b}
        svg .step.failed,svg .step.unfinished,svg .subtask.failed,svg .task.failed{fill:#fa4549}
        svg .step.continued,svg .step.interrupted{fill:#d4a72c}svg .step.skipped{fill:#afb8c1}
        svg .subtask.running,svg .task.running,svg .subtask.canceling{fill:#54aeff}
        svg .subtask.canceled,svg .subtask.skipped,svg .subtask.pending,svg .subtask.ready{fill:#afb8c1}
        svg .task{fill:#8c959f}
        svg rect.open{stroke:#0969da;stroke-dasharray:3 2;stroke-width:1}
        svg rect.band{fill:rgba(207,34,46,.08)}svg rect.down{fill:#fa4549}
        .dags{display:flex;flex-wrap:wrap;gap:16px}
        .dag{border:1px solid var(--line);border-radius:4px;padding:6px;margin:0}
        .dag rect.node{fill:#fff;stroke:#8c959f;rx:4}
        .dag rect.node.successful{fill:#dafbe1;stroke:var(--ok)}.dag rect.node.failed{fill:#ffebe9;stroke:var(--bad);stroke-width:2}
        .dag rect.node.running,.dag rect.node.canceling{fill:#ddf4ff;stroke:var(--run)}
        .dag path{fill:none;stroke:#8c959f;stroke-width:1.2;marker-end:url(#arrow)}
        .dag text.d{fill:var(--mute);font-size:10px}
        .foot{color:var(--mute);font-size:12px;margin-top:32px;border-top:1px solid var(--line);padding-top:8px}
        .t-passed{fill:#4ac26b}.t-failed,.t-target-failed,.t-journal-failed{fill:#fa4549}.t-interrupted,.t-incomplete{fill:#d4a72c}
        @media print{body{padding:0;max-width:none}.step,.dag,tr{page-break-inside:avoid}h2{page-break-after:avoid}
        .mode.rehearsal{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .verdict,.mode,svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        </style>
        """

    static let head = """
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="{{generator}}">
        """
        + "\n" + style

    static let drill = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        {{> head}}
        <title>{{verdict}} · {{#rehearsal}}REHEARSAL{{/rehearsal}}{{^rehearsal}}REAL OCP{{/rehearsal}} · {{title}}</title>
        </head>
        <body>
        <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="#8c959f"/></marker></defs></svg>
        <header>
        <h1 id="title">{{title}}</h1>
        <div id="verdict" class="verdict {{verdictClass}}">{{verdict}}</div>
        {{#rehearsal}}<div id="mode" class="mode rehearsal">REHEARSAL · against the embedded OCP simulator, not a real OCP · simulated time · nothing real was changed</div>{{/rehearsal}}
        {{^rehearsal}}<div id="mode" class="mode real">REAL OCP · {{target}}</div>{{/rehearsal}}
        {{#hasReason}}<p class="reason" id="reason">{{reason}}</p>{{/hasReason}}
        </header>
        {{#hasWarnings}}<section id="warnings"><h2>Warnings</h2><ul class="warnings">{{#warnings}}<li>{{text}}</li>{{/warnings}}</ul></section>{{/hasWarnings}}
        <section id="facts"><h2>The run</h2>
        <table><tbody>{{#facts}}<tr><th scope="row">{{name}}</th><td{{#mono}} class="mono"{{/mono}}>{{value}}</td></tr>{{/facts}}</tbody></table>
        {{#hasNotes}}<h3>Notes</h3><ul id="notes">{{#notes}}<li>{{text}}</li>{{/notes}}</ul>{{/hasNotes}}
        {{#hasVariables}}<h3>Variables</h3><table class="vars"><tbody>{{#variables}}<tr><th scope="row"><code>{{name}}</code></th><td><code>{{value}}</code></td></tr>{{/variables}}</tbody></table>{{/hasVariables}}
        {{#hasSegments}}<h3>Segments (the run was resumed)</h3><table id="segments"><thead><tr><th>#</th><th>from line</th><th>records</th><th>start</th><th>gap</th><th>resumed by</th><th>runbook file SHA-256</th><th>found on resuming</th></tr></thead><tbody>{{#segments}}<tr><td>{{index}}</td><td>{{line}}</td><td>{{records}}</td><td>{{resumed}}</td><td>{{gap}}</td><td>{{by}}</td><td class="mono">{{sha}}</td><td>{{notes}}</td></tr>{{/segments}}</tbody></table>{{/hasSegments}}
        </section>
        <section id="objectives"><h2>Objectives</h2>
        {{#hasObjectives}}<table><thead><tr><th>objective</th><th>target</th><th>measured</th><th>verdict</th></tr></thead><tbody>
        {{#objectives}}<tr class="objective"><td>{{name}}</td><td>{{target}}</td><td>{{measured}}</td><td class="{{verdictClass}}">{{verdict}} {{over}}</td></tr>{{/objectives}}
        </tbody></table>{{/hasObjectives}}
        {{^hasObjectives}}<p>The runbook states no objectives.</p>{{/hasObjectives}}
        {{#evidence}}{{#has}}
        <table><tbody><tr><th scope="row">Recovery time</th><td>{{recoveryTime}} ({{recoverySource}})</td></tr><tr><th scope="row">Data loss (worst)</th><td>{{dataLoss}}</td></tr>
        {{#markers}}<tr><th scope="row">{{name}} marker</th><td>{{text}} · {{step}} · {{at}}</td></tr>{{/markers}}</tbody></table>
        {{#hasLosses}}<h3>Data loss per promotion</h3><table><thead><tr><th>action</th><th>task</th><th>promoted</th><th>lag when promoted</th><th>source</th></tr></thead><tbody>{{#losses}}<tr><td>{{action}}</td><td>{{task}}</td><td>{{subject}}</td><td>{{lag}}</td><td>{{source}}</td></tr>{{/losses}}</tbody></table>{{/hasLosses}}
        {{#hasDowntime}}<h3>Downtime seen by watch</h3><table><thead><tr><th>probe</th><th>down in all</th><th>attempts</th><th>windows</th></tr></thead><tbody>{{#downtime}}<tr><td><code>{{probe}}</code></td><td>{{total}}</td><td>{{attempts}}</td><td>{{#windows}}{{text}}<br>{{/windows}}</td></tr>{{/downtime}}</tbody></table>{{/hasDowntime}}
        {{/has}}{{/evidence}}
        </section>
        {{#hasRecoveries}}<section id="recoveries"><h2>Recoveries</h2><table><thead><tr><th>step</th><th>action</th><th>task</th><th>status</th><th>outcome</th><th>recovery time</th><th>lag when called</th><th>called</th><th>end seen</th></tr></thead><tbody>
        {{#recoveries}}<tr><td><code>{{step}}</code></td><td>{{action}}</td><td>{{task}}</td><td>{{status}}</td><td class="{{outcomeClass}}">{{outcome}}</td><td>{{recovery}}</td><td>{{lag}}</td><td>{{called}}</td><td>{{ended}}</td></tr>{{/recoveries}}
        </tbody></table></section>{{/hasRecoveries}}
        {{#timeline}}{{> timeline}}{{/timeline}}
        {{#hasTasks}}<section id="tasks"><h2>Tasks</h2>
        <div class="dags">{{#dags}}{{> dag}}{{/dags}}</div>
        {{#tasks}}<h3>{{heading}}</h3><p class="meta">{{detail}}; last read by <code>{{lastSeenBy}}</code>{{#fromPolls}}; times as the run's polls saw them{{/fromPolls}}</p>
        <table class="subtasks"><thead><tr><th>id</th><th>subtask</th><th>status</th><th>start (OCP)</th><th>finish (OCP)</th><th>took</th><th>runs</th><th>after</th></tr></thead><tbody>
        {{#subtasks}}<tr><td>{{id}}</td><td>{{name}}</td><td class="{{statusClass}}">{{status}}</td><td class="mono">{{start}}</td><td class="mono">{{finish}}</td><td>{{took}}</td><td>{{runs}}</td><td>{{upstreams}}</td></tr>{{/subtasks}}
        </tbody></table>{{/tasks}}
        </section>{{/hasTasks}}
        {{#hasApprovals}}<section id="approvals"><h2>Approvals</h2><table><thead><tr><th>step</th><th>question</th><th>answer</th><th>how</th><th>by</th><th>when</th><th>outcome</th></tr></thead><tbody>
        {{#approvals}}<tr class="approval"><td><code>{{step}}</code></td><td>{{question}}</td><td>{{answer}}</td><td>{{how}}</td><td>{{by}}</td><td class="mono">{{at}}</td><td>{{outcome}}</td></tr>{{/approvals}}
        </tbody></table></section>{{/hasApprovals}}
        <section id="steps"><h2>Steps ({{stepCount}}) and OCP calls ({{callCount}})</h2>
        {{#steps}}{{> step}}{{/steps}}
        </section>
        <footer class="foot">Made by {{generator}} from the journal <code>{{journalPath}}</code> (SHA-256 <code>{{journalSHA}}</code>). Times on the runbook's clock are from the run's start; OCP's times are OCP's own.</footer>
        </body>
        </html>

        """

    static let timeline = """
        <section id="timeline"><h2>Timeline</h2>
        <svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="Timeline of the steps and of each task's subtasks">
        {{#ticks}}<line class="grid" x1="{{x}}" y1="16" x2="{{x}}" y2="{{height}}"/><text class="tick" x="{{x}}" y="12" text-anchor="middle">{{label}}</text>{{/ticks}}
        {{#bands}}<rect class="band" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{tip}}</title></rect>{{/bands}}
        {{#markers}}<line class="marker" x1="{{x}}" y1="16" x2="{{x}}" y2="{{height}}"/><text class="mk" x="{{x}}" y="{{height}}" dx="3" dy="-3">{{label}}</text>{{/markers}}
        {{#rows}}<text x="{{lx}}" y="{{ty}}"{{#header}} class="hdr"{{/header}}>{{label}}</text>{{#bars}}<rect class="bar {{kind}} {{status}}{{#open}} open{{/open}}" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{tip}}</title></rect>{{/bars}}
        {{/rows}}</svg>
        {{#remarks}}<p class="meta">{{text}}</p>{{/remarks}}
        </section>
        """

    static let dag = """
        <figure class="dag" id="dag-{{anchor}}"><figcaption><b>{{heading}}</b><br><span class="meta">{{detail}}</span></figcaption>
        {{#drawing}}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="DAG of {{heading}}">
        {{#edges}}<path d="{{d}}"/>{{/edges}}
        {{#nodes}}<g><rect class="node {{status}}" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"/><text x="{{tx}}" y="{{ty}}">{{label}}</text><text class="d" x="{{tx}}" y="{{dy}}">{{detail}}</text><title>{{tip}}</title></g>{{/nodes}}
        </svg>{{/drawing}}</figure>
        """

    /// One step; its calls one per line (`data-calls` counts those a line stands for: a wait's
    /// polls that differ only in traceId and duration share one).
    static let step = """
        <article class="step s-{{outcomeClass}} d{{indent}}" id="{{anchor}}"><p class="h"><code>{{label}}</code> <b>{{phrase}}</b> <span class="o {{outcomeClass}}">{{outcome}}</span>{{#hasKind}} ({{kind}}){{/hasKind}} <span class="m">at {{start}} · {{duration}} · {{location}}</span></p>
        {{#hasMessage}}<p class="msg">{{message}}</p>{{/hasMessage}}{{#hasExpected}}<p class="ef"><b>expected</b> <code>{{expected}}</code>{{#hasFound}}<br><b>found</b> <code>{{found}}</code>{{/hasFound}}</p>{{/hasExpected}}{{^hasExpected}}{{#hasFound}}<p class="ef"><b>found</b> <code>{{found}}</code></p>{{/hasFound}}{{/hasExpected}}{{#hasObserved}}<ul class="obs">{{#observed}}<li>{{text}}</li>{{/observed}}</ul>{{/hasObserved}}{{#hasCalls}}<ul class="calls" data-calls="{{callsInStep}}">{{#calls}}<li data-n="{{count}}"><code>{{method}} {{path}}</code> {{status}} · {{rest}} · <span class="t">{{traceIds}}</span>{{#hasNote}} · {{note}}{{/hasNote}}</li>{{/calls}}</ul>{{/hasCalls}}</article>

        """

    static let comparison = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        {{> head}}
        <title>{{verdict}} · {{title}}</title>
        </head>
        <body>
        <h1 id="title">{{title}}</h1>
        <div id="verdict" class="verdict {{verdictClass}}">{{verdict}}</div>
        <section id="comparison"><h2>Drills</h2>
        <table><thead><tr><th>date</th><th>runbook</th><th>file SHA-256</th><th>target</th><th>verdict</th><th>recovery time</th><th>data loss</th>{{#objectiveNames}}<th>{{name}} (measured / objective)</th>{{/objectiveNames}}<th>per action</th></tr></thead><tbody>
        {{#rows}}<tr class="drill"><td class="mono">{{date}}</td><td>{{title}}<br><code>{{file}}</code></td><td class="mono" title="{{fullSha}}">{{sha}}</td><td>{{target}} ({{mode}})</td><td><span class="verdict {{verdictClass}}" style="font-size:12px;padding:2px 6px">{{verdict}}</span></td><td>{{recoveryTime}}</td><td>{{dataLoss}}</td>{{#objectives}}<td class="{{verdictClass}}">{{text}}</td>{{/objectives}}<td>{{#actions}}{{text}}<br>{{/actions}}</td></tr>
        {{/rows}}</tbody></table></section>
        {{#trend}}<section id="trend"><h2>Recovery time by drill</h2>
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="Recovery time by drill">
        <line class="grid" x1="{{left}}" y1="{{base}}" x2="{{right}}" y2="{{base}}" stroke="#8c959f"/>
        {{#bars}}<rect class="{{verdictClass}}" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{tip}}</title></rect><text x="{{lx}}" y="{{vy}}" text-anchor="middle">{{value}}</text><text class="tick" x="{{lx}}" y="{{labelY}}" text-anchor="middle">{{label}}</text>{{/bars}}
        {{#objective}}<line x1="{{left}}" y1="{{y}}" x2="{{right}}" y2="{{y}}" stroke="#cf222e" stroke-dasharray="6 3"/><text x="4" y="{{y}}" fill="#cf222e">{{label}}</text>{{/objective}}
        </svg></section>{{/trend}}
        <footer class="foot">Made by {{generator}}. Each row is one journal: {{#rows}}<code>{{journal}}</code> {{/rows}}</footer>
        </body>
        </html>

        """
}
