"""The reviewer's HTML report: one self-contained page (no network), the entries first.

Counts in a line of cards, then the entries in 검토 순서 (sortable by any column: the label
columns sort by the probability each label was given), each with its review reasons and uncertain
labels, and its narrative with the evidence sentences highlighted by criterion; the charts and the
cross-tables a reviewer compares with the report's [표 2-2]/[표 2-3] in a section below. Charts
are inline SVG, sorting and filtering a few lines of inline JavaScript.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from pipeline.io import atomic_write_text
from pipeline.scoring.score import CRITERIA, LEARNED, review_order

_COLOURS = {
    "tech_applied": "#cfe8ff",
    "tech_applicable": "#e4dcff",
    "resource_sharing": "#d5f5d5",
    "sustainability": "#ffe7b8",
}
_NAMES = {
    "service_field": "서비스 분야",
    "actor_type": "주체 유형",
    "tech_applied": "과학기술 적용",
    "tech_applicable": "적용 가능성",
    "resource_sharing": "자원공유",
    "sustainability": "지속가능성",
    "meets_criteria": "기준 충족",
    "model_type": "협업모델",
    "sub_type": "하위유형",
}

_CSS = """
body{font-family:'Noto Sans KR','Malgun Gothic',sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:8px;padding:10px 16px}
.card b{display:block;font-size:24px}.charts{display:flex;gap:24px;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eee;padding:5px;text-align:left;vertical-align:top}
th{background:#f5f5f5;cursor:pointer;position:sticky;top:0}tr.flag td:first-child{border-left:4px solid #e67e22}
tr.err td{color:#999}.yes{color:#1a7f37;font-weight:bold}.no{color:#999}.part{color:#b8860b;font-weight:bold}
details{margin:4px 0}summary{cursor:pointer;color:#0550ae}.narr{white-space:pre-wrap;background:#fafafa;padding:8px;border-radius:6px;line-height:1.6}
mark{padding:0 2px;border-radius:3px}li.against{color:#555}.legend span{padding:2px 6px;margin-right:6px;border-radius:3px}
.filters{margin:10px 0;display:flex;gap:10px;flex-wrap:wrap}.filters select,.filters input{padding:4px}
small.p{color:#777;margin-left:3px}.unc{color:#8a5a00}.cross td,.cross th{text-align:right}.cross{width:auto;margin:8px 0 16px}
h1{margin:0 0 4px}.meta{margin:0 0 8px;color:#555}.card{padding:6px 12px}.card b{font-size:20px}
"""

_JS = """
const rows=[...document.querySelectorAll('#entries tbody tr.entry')];
function apply(){const f={};document.querySelectorAll('.filters select').forEach(s=>{if(s.value)f[s.dataset.key]=s.value});
const q=document.getElementById('q').value.trim();let n=0;
rows.forEach(r=>{let ok=Object.entries(f).every(([k,v])=>r.dataset[k]===v)&&(!q||r.textContent.includes(q));
r.style.display=ok?'':'none';const d=r.nextElementSibling;if(d&&d.classList.contains('detail'))d.style.display=ok?'':'none';if(ok)n++});
document.getElementById('shown').textContent=n;}
document.querySelectorAll('.filters select,#q').forEach(e=>e.addEventListener('input',apply));
// Filters can be given in the address: report.html#meets_criteria=O&review=yes
new URLSearchParams(location.hash.slice(1)).forEach((v,k)=>{const s=document.querySelector(`.filters select[data-key="${k}"]`);if(s)s.value=v});
document.querySelectorAll('#entries th').forEach((th,i)=>th.addEventListener('click',()=>{
const body=document.querySelector('#entries tbody');const asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
const pairs=rows.map(r=>[r,r.nextElementSibling]);pairs.sort((a,b)=>{const x=a[0].children[i].dataset.v??a[0].children[i].textContent,
y=b[0].children[i].dataset.v??b[0].children[i].textContent;const nx=parseFloat(x),ny=parseFloat(y);
const c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'ko');return asc?c:-c});
pairs.forEach(([r,d])=>{body.appendChild(r);if(d&&d.classList.contains('detail'))body.appendChild(d)})}));
apply();
"""


def _e(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _bar_chart(title: str, counts: dict[str, int]) -> str:
    items = sorted(counts.items(), key=lambda kv: -kv[1])
    if not items:
        return ""
    top, bar_h, width = max(v for _, v in items), 20, 260
    rows = []
    for i, (label, value) in enumerate(items):
        w = int(width * value / top) if top else 0
        y = i * (bar_h + 4)
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{_e(label or "(없음)")}</text>'
            f'<rect x="120" y="{y}" width="{w}" height="{bar_h}" fill="#4c8bf5"></rect>'
            f'<text x="{125 + w}" y="{y + 14}" font-size="12">{value}</text>'
        )
    height = len(items) * (bar_h + 4)
    return (
        f'<figure><figcaption>{_e(title)}</figcaption><svg role="img" aria-label="{_e(title)}" '
        f'width="{width + 170}" height="{height}">{"".join(rows)}</svg></figure>'
    )


def _mark(value: str) -> str:
    cls = {"O": "yes", "X": "no", "△": "part"}.get(value, "")
    return f'<span class="{cls}">{_e(value)}</span>'


def _how_found(span: dict) -> str:
    """How a sentence became evidence, for the highlight's tooltip: its cue and qualifier, or that
    no cue found it and the learned models read it that way."""
    if span["status"] == LEARNED:
        return "모델 판단: 단서 규칙은 찾지 못했으나 모델이 이 쪽으로 읽은 문장"
    return f"{span['status']}: {span['cue']}"


def _highlight(text: str, spans_json: str) -> str:
    """The narrative with each evidence sentence wrapped in <mark>, coloured by criterion."""
    if not text:
        return ""
    spans = sorted(json.loads(spans_json) if spans_json else [], key=lambda s: (s["start"], -s["end"]))
    out, cursor = [], 0
    for span in spans:
        if span["start"] < cursor:
            continue  # the same sentence already marked for another criterion
        out.append(_e(text[cursor : span["start"]]))
        same = [s for s in spans if s["start"] == span["start"]]  # one sentence, several criteria
        # A sentence that pushed a verdict the other way is 반대 근거: underlined, never filled in
        # the colour of evidence.
        same.sort(key=lambda s: bool(s.get("against")))
        title = ", ".join(
            f"{_NAMES[s['label']]}{' 반대 근거' if s.get('against') else ''} ({_how_found(s)})" for s in same
        )
        colour = _COLOURS[same[0]["label"]]
        style = f"background:none;border-bottom:2px dashed {colour}" if same[0].get("against") else f"background:{colour}"
        out.append(f'<mark style="{style}" title="{_e(title)}">{_e(text[span["start"]:span["end"]])}</mark>')
        cursor = span["end"]
    out.append(_e(text[cursor:]))
    return "".join(out)


def _labelled(row: pd.Series, label: str, shown: str | None = None) -> str:
    """A label's cell: its value with the probability it was given, sorted by that probability."""
    proba = row.get(f"{label}_proba")
    if proba is None or proba != proba:  # no probability: an unscored row
        return f"<td>{shown if shown is not None else _e(row[label])}</td>"
    return f'<td data-v="{proba}">{shown if shown is not None else _e(row[label])}<small class="p">{proba:.2f}</small></td>'


_CROSS_TITLES = {
    "service_field x tech_applied": "서비스 분야 × 과학기술 적용 ([표 2-2]와 비교)",
    "service_field x meets_criteria": "서비스 분야 × 자원공유·지속가능성 충족 ([표 2-3]과 비교)",
}


def _cross_tables(summary: dict) -> str:
    out = []
    for name, table in summary.get("cross_tables", {}).items():
        columns = sorted({c for row in table.values() for c in row})
        head = "".join(f"<th>{_e(c)}</th>" for c in columns)
        body = "".join(
            f"<tr><th>{_e(field)}</th>" + "".join(f"<td>{row.get(c, 0)}</td>" for c in columns) + "</tr>"
            for field, row in table.items()
        )
        out.append(f"<h3>{_e(_CROSS_TITLES.get(name, name))}</h3><table class=\"cross\"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(out)


def render(scored: pd.DataFrame, summary: dict, mapping: dict[str, str], source: str) -> str:
    """The whole page as a string."""
    title_col, desc_col = mapping.get("title"), mapping.get("description")
    region_col, id_col = mapping.get("region"), mapping.get("id")
    filters = "".join(
        f'<label>{_NAMES[key]} <select data-key="{key}"><option value="">전체</option>'
        + "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in sorted(summary["counts"].get(key, {})) if v)
        + "</select></label>"
        for key in ("service_field", "actor_type", "meets_criteria", "model_type")
    ) + (
        '<label>검토 필요 <select data-key="review"><option value="">전체</option><option value="yes">예</option>'
        '<option value="no">아니오</option></select></label><label>검색 <input id="q" type="search"></label>'
    )
    body_rows = []
    scored = scored.assign(_n=range(1, len(scored) + 1), _order=review_order(scored)).sort_values("_order", kind="stable")
    for _, row in scored.iterrows():
        n = row["_n"]
        flag, err = bool(row["needs_review"]), bool(row["error"])
        attrs = " ".join(f'data-{k}="{_e(row[k])}"' for k in ("service_field", "actor_type", "meets_criteria", "model_type"))
        cls = "entry" + (" flag" if flag else "") + (" err" if err else "")
        review = ("검토 필요: " + _e(row["review_reasons"])) if flag else ""
        if row["uncertain_labels"]:
            review += f'<div class="unc">불확실: {_e(row["uncertain_labels"])}</div>'
        cells = [
            f'<td data-v="{row["_order"]}" title="검토 우선도 {_e(row["review_priority"])}">{row["_order"]}</td>',
            f'<td data-v="{n}">{_e(row[id_col]) if id_col else n}</td>',
            f"<td>{_e(row[region_col]) if region_col else ''}</td>",
            f"<td>{_e(row[title_col])}</td>",
            *(_labelled(row, c) for c in ("service_field", "actor_type")),
            *(_labelled(row, c, _mark(row[c])) for c in (*CRITERIA, "meets_criteria")),
            _labelled(row, "sub_type"),
            # An unscored row's reason already holds its error (see scoring/reasons.py).
            f"<td>{review}</td>",
        ]
        body_rows.append(f'<tr class="{cls}" {attrs} data-review="{"yes" if flag else "no"}">{"".join(cells)}</tr>')
        narrative = row[desc_col] if desc_col else ""
        if narrative and not err:
            spans = json.loads(row["evidence_spans"]) if row["evidence_spans"] else []
            evidence = "".join(
                f"<li><b>{_NAMES[c]}</b> {_mark(row[c])}: {_e(row['evidence_' + c]) or '(근거 문장 없음)'}</li>"
                + "".join(
                    f'<li class="against"><b>{_NAMES[c]} 반대 근거</b>: {_e(str(narrative)[a["start"]:a["end"]])}</li>'
                    for a in spans if a["label"] == c and a.get("against")
                )
                for c in CRITERIA
            )
            body_rows.append(
                f'<tr class="detail"><td></td><td colspan="13"><details><summary>근거와 사업내용 보기</summary>'
                f"<ul>{evidence}<li><b>참여주체</b>: {_e(row['evidence_actors'])}</li></ul>"
                f'<div class="narr">{_highlight(str(narrative), row["evidence_spans"])}</div></details></td></tr>'
            )
    headers = ["검토 순서", "번호", "지자체", "사업명", "서비스 분야", "주체 유형", "과학기술 적용", "적용 가능성", "자원공유",
               "지속가능성", "기준 충족", "하위유형", "검토"]
    legend = "".join(f'<span style="background:{_COLOURS[c]}">{_NAMES[c]}</span>' for c in CRITERIA)
    charts = "".join(
        _bar_chart(_NAMES[k], summary["counts"].get(k, {})) for k in ("service_field", "actor_type", "meets_criteria", "sub_type")
    )
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>협업행정 사례 1차 검토 보고서</title>
<style>{_CSS}</style></head><body>
<h1>협업행정 사례 1차 검토 보고서</h1><p class="meta">입력: {_e(source)} · <a href="#summary">요약과 교차표</a></p>
<div class="cards"><div class="card">전체 행<b id="n-rows">{summary['rows']}</b></div>
<div class="card">평가됨<b id="n-scored">{summary['scored']}</b></div>
<div class="card">기준 충족 (자원공유·지속가능성)<b id="n-meets">{summary['meets_criteria']}</b></div>
<div class="card">검토 필요<b id="n-review">{summary['needs_review']}</b></div>
<div class="card">오류<b id="n-errors">{summary['errors']}</b></div></div>
<h2>사례 (<span id="shown">{summary['rows']}</span>건 표시, 검토 순서대로)</h2>
<div class="filters">{filters}</div><p class="legend">근거 표시: {legend} · 머리글을 누르면 정렬(분류 열은 확률 순)</p>
<table id="entries"><thead><tr>{"".join(f"<th>{h}</th>" for h in headers)}</tr></thead>
<tbody>{"".join(body_rows)}</tbody></table>
<h2 id="summary">요약</h2><div class="charts">{charts}</div>
{_cross_tables(summary)}
<script>{_JS}</script></body></html>"""


def write_report(path: Path, scored: pd.DataFrame, summary: dict, mapping: dict[str, str], source: str) -> None:
    atomic_write_text(Path(path), render(scored, summary, mapping, source))
