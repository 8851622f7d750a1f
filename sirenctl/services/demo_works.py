"""The demo county's civil air-defence works (人防工程) and their 2025 inspections.

Figures of the office's 2025 report: 10 built-with-building works under construction, 4
main-structure acceptances, 2 completion acceptances, 28 stage inspections; a flood-prevention
meeting, a fire-safety meeting, a fire drill and one full-coverage inspection of all works that
found 8 problems, each with a rectification notice, all rectified.
"""

from __future__ import annotations

from datetime import date

# code, name, site, type, started_on, status at registration
DEMO_WORKS: tuple[tuple[str, str, str, str, date | None], ...] = (
    ("RF-01", "东风花园二期地下人防工程", "C01", "built_with_building", date(2023, 9, 1)),
    ("RF-02", "解放路商业综合体人防地下室", "C02", "built_with_building", date(2023, 11, 15)),
    ("RF-03", "人民路学府苑人防地下室", "C03", "built_with_building", date(2024, 3, 1)),
    ("RF-04", "和平里安置房人防地下室", "C05", "built_with_building", date(2024, 4, 10)),
    ("RF-05", "幸福家园三期人防地下室", "C06", "built_with_building", date(2024, 5, 20)),
    ("RF-06", "滨河御府人防地下室", "C08", "built_with_building", date(2024, 8, 1)),
    ("RF-07", "文化路医院综合楼人防工程", "C09", "built_with_building", date(2024, 10, 8)),
    ("RF-08", "工业园标准厂房人防地下室", "C11", "built_with_building", date(2025, 2, 18)),
    ("RF-09", "南湖新城人防地下室", "C12", "built_with_building", date(2025, 3, 6)),
    ("RF-10", "北关学校人防地下室", "C13", "built_with_building", date(2025, 4, 1)),
    ("RF-11", "城关人防指挥所", "C04", "standalone", None),
    ("RF-12", "新华街道人员掩蔽工程", "C07", "standalone", None),
    ("RF-13", "新村地下停车场人防工程", "C10", "built_with_building", None),
    ("RF-14", "桃园社区人员掩蔽部", "C14", "standalone", None),
)
# works in use before 2025 (registered as in use, no construction that year)
IN_USE_BEFORE = ("RF-11", "RF-12", "RF-13", "RF-14")
# 2024 main-structure acceptance, completion in 2025
COMPLETED_2025 = (
    ("RF-01", date(2024, 10, 16), date(2025, 6, 24)),
    ("RF-02", date(2024, 12, 3), date(2025, 11, 18)),
)
MAIN_STRUCTURE_2025 = (
    ("RF-03", date(2025, 4, 22)),
    ("RF-04", date(2025, 7, 9)),
    ("RF-05", date(2025, 9, 3)),
    ("RF-06", date(2025, 12, 10)),
)
# 28 stage inspections (节点验收) in 2025: works -> count
STAGES_2025 = {
    "RF-01": 1,
    "RF-02": 2,
    "RF-03": 3,
    "RF-04": 3,
    "RF-05": 4,
    "RF-06": 4,
    "RF-07": 3,
    "RF-08": 3,
    "RF-09": 3,
    "RF-10": 2,
}
FULL_INSPECTION_2025 = date(2025, 6, 10)
# (works, category, severity, description, required action) of the full-coverage inspection
WORKS_PROBLEMS_2025: tuple[tuple[str, str, str, str, str], ...] = (
    ("RF-01", "other", "major", "防护密闭门启闭不灵活", "检修防护密闭门铰页并试启闭"),
    ("RF-02", "signage", "minor", "疏散指示标识缺失", "补设疏散指示标识"),
    ("RF-07", "power", "major", "应急照明不亮", "更换应急照明灯具和蓄电池"),
    ("RF-08", "other", "major", "施工区域消防器材不足", "按规范配齐灭火器"),
    ("RF-09", "other", "minor", "排水沟堵塞，汛期有积水隐患", "清理排水沟并检查集水井水泵"),
    ("RF-11", "power", "major", "配电箱线路老化", "更换老化线路并做绝缘测试"),
    ("RF-12", "corrosion", "minor", "通风管道锈蚀", "除锈刷漆"),
    ("RF-13", "other", "major", "地下室被占用堆放杂物，堵塞通道", "清理杂物，保持通道畅通"),
)
SAFETY_ACTIVITIES_2025 = (
    ("flood_meeting", date(2025, 5, 27), "人防工程维护管理单位防汛专题会", "国动办会议室", 26),
    ("fire_meeting", date(2025, 10, 28), "人防工程维护管理单位消防专题会", "国动办会议室", 24),
    ("fire_drill", date(2025, 11, 9), "人防工程消防演练", "城关人防指挥所", 60),
    ("full_inspection", FULL_INSPECTION_2025, "全市人防工程全覆盖检查", None, 0),
)
