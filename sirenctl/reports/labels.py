"""Chinese and English labels for reports and printed notices (``--lang zh|en``)."""

from __future__ import annotations

LANGS = ("zh", "en")

# key -> (zh, en)
LABELS: dict[str, tuple[str, str]] = {
    # printed notice
    "notice.title": ("整改通知书", "Rectification notice"),
    "notice.number": ("编号", "Number"),
    "notice.to": ("致", "To"),
    "notice.site": ("地点", "Site"),
    "notice.issued_on": ("签发日期", "Issued on"),
    "notice.deadline": ("整改期限", "Deadline"),
    "notice.issued_by": ("签发人", "Issued by"),
    "notice.status": ("状态", "Status"),
    "notice.phone": ("联系电话", "Phone"),
    "notice.findings": ("发现的问题", "Findings"),
    "notice.action": ("整改要求", "Required action"),
    "notice.history": ("办理记录", "History"),
    "notice.intro": (
        "经检查，发现下列问题，请于整改期限前完成整改并报复查。",
        "The inspection found the problems below. Please rectify them by the "
        "deadline and report for re-check.",
    ),
    "notice.sign.issuer": ("签发人（盖章）", "Issued by (seal)"),
    "notice.sign.receiver": ("接收人签字", "Received by"),
    "notice.sign.rechecker": ("复查人签字", "Re-checked by"),
    "notice.overdue": ("已逾期（天）", "Overdue (days)"),
    # shared columns
    "col.id": ("编号", "ID"),
    "col.asset": ("设备", "Asset"),
    "col.site": ("社区", "Community"),
    "col.category": ("类别", "Category"),
    "col.severity": ("严重程度", "Severity"),
    "col.description": ("问题描述", "Description"),
    "col.found_at": ("发现时间", "Found at"),
    "col.found_by": ("发现人", "Found by"),
    "col.at": ("时间", "When"),
    "col.by": ("办理人", "By"),
    "col.event": ("事项", "Event"),
    "col.note": ("说明", "Note"),
    "col.count": ("数量", "Count"),
    "col.kind": ("类型", "Kind"),
    "col.status": ("状态", "Status"),
    "col.total": ("合计", "Total"),
    "col.month": ("月份", "Month"),
    # annual report
    "report.title": ("{year}年度人防警报工作报告", "Air-defence warning annual report {year}"),
    "report.generated": (
        "生成时间：{at}（{tz}）。已结束年度的设备状态为年末状态（据审计日志还原），"
        "本年度为报告生成时的状态。",
        "Generated {at} ({tz}). Asset status is as at the end of a finished year "
        "(rebuilt from the audit log), otherwise as of generation.",
    ),
    "report.audit_head": (
        "截至{until}，审计日志哈希链的链头：序号 {seq}，哈希 {hash}（数据库 {db}）。"
        "请将本行与 `sirenctl audit verify` 的结果或留存的检查点核对。",
        "Audit log hash chain head as of {until}: seq {seq}, hash {hash} (database {db}). "
        "Compare it with `sirenctl audit verify` or a kept checkpoint.",
    ),
    "report.assets": ("一、警报器和终端", "1. Sirens and terminals"),
    "report.assets.note": (
        "按类型和状态统计（含有未关闭严重问题的设备计为故障）。",
        "By kind and status (assets with an open critical finding count as faulty).",
    ),
    "report.communities": ("二、社区覆盖", "2. Communities covered"),
    "report.communities.with_siren": ("有完好警报器的社区", "Communities with a working siren"),
    "report.communities.total": ("社区总数", "Communities"),
    "report.coverage.population": (
        "覆盖人口（CPG 1-17，目标 {target} dBC）",
        "Population covered (CPG 1-17, target {target} dBC)",
    ),
    "report.coverage.assessed": (
        "可评估人口（有位置和声级数据）",
        "Population assessed (positions and ratings known)",
    ),
    "report.coverage.rate": ("人口覆盖率", "Population coverage"),
    "report.coverage.note": (
        "声级每距离加倍衰减 10 dB：r = 30.48 m × 2^((L100 − Lt)/10)；"
        "手摇警报器由实测声级和距离推算。社区中心在任一完好警报器的"
        "半径内即计为覆盖。",
        "Level falls 10 dB per doubling of distance: r = 30.48 m × "
        "2^((L100 − Lt)/10); hand-crank units from a measured level at a "
        "stated distance. A community counts as covered when its centre "
        "lies within the radius of a working siren.",
    ),
    "report.coverage.table": ("各社区覆盖", "Coverage by community"),
    "col.population": ("人口", "Population"),
    "col.covered": ("覆盖", "Covered"),
    "col.covered_by": ("覆盖警报器", "Covered by"),
    "col.working_sirens": ("完好警报器", "Working sirens"),
    "col.radius": ("半径 (m)", "Radius (m)"),
    "report.trials": ("三、试鸣", "3. Trial soundings"),
    "col.trial": ("试鸣", "Trial sounding"),
    "col.planned": ("计划", "Planned"),
    "col.sounded": ("鸣响", "Sounded"),
    "col.failed": ("未鸣响", "Failed"),
    "col.sound_rate": ("鸣响率", "Sounding rate"),
    "report.trials.none": ("本年度无试鸣记录。", "No trial sounding recorded this year."),
    "report.serviceability": ("四、完好率", "4. Serviceability"),
    "report.serviceability.year": (
        "全年完好率（设备·日）",
        "Serviceability over the year (asset-days)",
    ),
    "report.serviceability.now": ("当前完好率", "Serviceability now"),
    "report.serviceability.note": (
        "设备·日中存在未关闭严重问题的天数计为不完好。",
        "Asset-days with an open critical finding count as out of service.",
    ),
    "report.checks": ("五、巡检", "5. Checks"),
    "col.done": ("完成", "Done"),
    "col.missed": ("漏检", "Missed"),
    "col.pending": ("未到期/进行中", "Pending"),
    "col.done_rate": ("完成率", "Completion"),
    "report.checks.chart": ("每月巡检完成情况", "Monthly check completion"),
    "report.findings": ("六、发现的问题", "6. Findings"),
    "report.findings.chart": ("问题类别分布", "Findings by category"),
    "report.notices": ("七、整改通知书", "7. Rectification notices"),
    "report.notices.issued": ("签发", "Issued"),
    "report.notices.on_time": ("按期整改关闭", "Closed on time"),
    "report.notices.late": ("逾期关闭", "Closed late"),
    "report.notices.open": ("尚未关闭", "Still open"),
    "report.notices.overdue": ("其中已逾期", "Of which overdue"),
    "report.drills": ("八、演练和宣传", "8. Drills and outreach"),
    "report.drills.held": ("次数", "Held"),
    "col.participants": ("参与人数", "Participants"),
    "col.certificates": ("发放证书", "Certificates"),
    "col.materials": ("发放资料", "Materials"),
    "report.sources": ("附：数据来源", "Appendix: sources"),
    "report.sources.note": (
        "每项数据对应的记录（表名:编号）。",
        "The records behind each figure (table:id).",
    ),
    # civil air-defence works and outreach (sirenctl/reports/works_sections.py)
    "report.communities.hand_crank": (
        "配备手摇警报器的社区",
        "Communities with a hand-crank siren",
    ),
    "report.works": ("九、人防工程建设和安全管理", "9. Civil air-defence works"),
    "report.works.total": ("登记人防工程", "Works registered"),
    "report.works.building": ("全年在建人防工程（家）", "Works under construction in the year"),
    "report.works.main_structure": ("主体验收（家）", "Main-structure acceptances (works)"),
    "report.works.completion": ("竣工验收（家）", "Completion acceptances (works)"),
    "report.works.stage": ("节点验收（次）", "Stage inspections held"),
    "report.works.safety": ("安全检查（处次）", "Safety inspections of works"),
    "report.works.activities": ("安全生产活动", "Safety activities"),
    "report.works.problems": ("检查发现问题（个）", "Problems found at works"),
    "report.works.notices": ("下发整改通知书（份）", "Rectification notices issued"),
    "report.works.rectified": ("已完成整改（个）", "Problems rectified"),
    "report.outreach": ("十、宣传教育和培训", "10. Outreach and training"),
    "report.outreach.drill_communities": (
        "开展培训和疏散演练的社区（个）",
        "Communities trained and drilled",
    ),
    "report.outreach.drill_participants": ("参加演练群众（人）", "Residents taking part in drills"),
    "report.outreach.certificates": (
        "取得初级救护员证（人）",
        "People certified as primary first-aiders",
    ),
    "report.outreach.drill_handbooks": (
        "演练中发放防空手册（本）",
        "Air-defence handbooks handed out at drills",
    ),
    "report.outreach.communities": ("深入社区宣传（个）", "Communities visited for publicity"),
    "report.outreach.lecture_people": ("专题授课听课人数", "People at lectures"),
    "report.outreach.by_occasion": ("按时机统计的宣传活动", "Outreach events by occasion"),
    "report.outreach.materials": ("发放宣传资料", "Materials handed out"),
    "col.occasion": ("时机", "Occasion"),
    "col.events": ("活动次数", "Events"),
    "col.people": ("参与人数", "People reached"),
    "col.material": ("资料", "Material"),
    "col.at_publicity": ("宣传活动中", "At publicity events"),
    "col.at_drills": ("演练中", "At drills"),
    "report.map": ("附：警报器和人防工程分布图", "Map of sirens and works"),
    "report.map.note": (
        "本地投影（不需联网）；圆为完好警报器在目标 {target} dBC 下的覆盖半径（CPG 1-17），"
        "红色标记为故障设备。",
        "Local projection (no internet needed); circles are working sirens' coverage radii "
        "at the {target} dBC target (CPG 1-17); faulty units are marked red.",
    ),
    "col.figure": ("指标", "Figure"),
    "col.value": ("数值", "Value"),
    "col.rows": ("记录", "Rows"),
}

# Closed vocabularies shown in reports and notices.
TERMS: dict[str, tuple[str, str]] = {
    "power": ("供电", "power"),
    "mounting": ("安装固定", "mounting"),
    "corrosion": ("锈蚀", "corrosion"),
    "sound": ("音响", "sound"),
    "communication": ("通信", "communication"),
    "signage": ("标识", "signage"),
    "other": ("其他", "other"),
    "minor": ("一般", "minor"),
    "major": ("较重", "major"),
    "critical": ("严重", "critical"),
    "open": ("待整改", "open"),
    "in_progress": ("整改中", "in progress"),
    "awaiting_recheck": ("待复查", "awaiting re-check"),
    "closed": ("已关闭", "closed"),
    "reopened": ("复查未通过", "reopened"),
    "resolved": ("已解决", "resolved"),
    "issue": ("签发", "issued"),
    "start": ("开始整改", "work started"),
    "submit": ("报请复查", "submitted for re-check"),
    "recheck_pass": ("复查通过", "re-check passed"),
    "recheck_fail": ("复查未通过", "re-check failed"),
    "close": ("关闭", "closed"),
    "edit": ("变更", "changed"),
    "hand_crank": ("手摇警报器", "hand-crank siren"),
    "motor": ("电动警报器", "motor siren"),
    "electronic": ("电声警报器", "electronic siren"),
    "multimedia": ("多媒体警报器", "multimedia terminal"),
    "controller": ("控制器", "controller"),
    "in_service": ("在用完好", "in service"),
    "faulty": ("故障", "faulty"),
    "under_repair": ("维修中", "under repair"),
    "retired": ("已报废", "retired"),
    "evacuation_drill": ("疏散演练", "evacuation drill"),
    "training": ("培训", "training"),
    "publicity": ("宣传", "publicity"),
    "test_result": ("测试结果", "test result"),
    "built_with_building": ("结建", "built with a building"),
    "standalone": ("单建", "standalone"),
    "under_construction": ("在建", "under construction"),
    "in_use": ("已竣工在用", "in use"),
    "stage": ("节点验收", "stage inspection"),
    "main_structure": ("主体验收", "main-structure acceptance"),
    "completion": ("竣工验收", "completion acceptance"),
    "safety": ("安全检查", "safety inspection"),
    "flood_meeting": ("防汛专题会", "flood-prevention meeting"),
    "fire_meeting": ("消防专题会", "fire-safety meeting"),
    "fire_drill": ("消防演练", "fire drill"),
    "full_inspection": ("人防工程全覆盖检查", "full-coverage inspection of the works"),
    "security_day": ("“4·15”国家安全教育日", "4·15 National Security Education Day"),
    "disaster_day": ("“5·12”全国防灾减灾日", "5·12 Disaster Prevention Day"),
    "air_defence_day": ("“9·18”防空警报试鸣日", "9·18 air-raid siren trial day"),
    "drill": ("社区疏散演练", "community drill"),
    "lecture": ("专题授课", "lecture"),
    "unspecified": ("未注明", "unspecified"),
    "civil_defence_handbook": ("人防手册", "civil air-defence handbook"),
    "air_defence_handbook": ("防空手册", "air-defence handbook"),
    "knowledge_handbook": ("防空防灾知识手册", "air-defence and disaster knowledge handbook"),
    "leaflet": ("宣传单", "leaflet"),
    "check_in": ("巡检签到", "check-in"),
    "inspection": ("检查", "inspection"),
}


def label(key: str, lang: str, **values: object) -> str:
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def term(value: str | None, lang: str) -> str:
    if value is None:
        return ""
    pair = TERMS.get(value)
    if pair is None:
        return value
    return pair[0] if lang == "zh" else pair[1]
