"""Report headings and labels in English, Vietnamese and Chinese.

Every key exists in every language (a test checks it). Scenario text (names, descriptions)
is never translated: it is shown as the trainer wrote it.
"""

from __future__ import annotations

from drillsim.analysis.findings import IDLE_UTILISATION

LANGS = ("en", "vi", "zh")

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "en": "After-Action Report / Improvement Plan",
        "vi": "Báo cáo sau diễn tập / Kế hoạch khắc phục",
        "zh": "演练总结报告 / 改进计划",
    },
    "simulated": {
        "en": "Simulated exercise: results of {n} simulated replications, not of a live drill.",
        "vi": "Diễn tập mô phỏng: kết quả của {n} lần mô phỏng, không phải diễn tập thực tế.",
        "zh": "模拟演练：{n} 次模拟重复的结果，并非实地演练。",
    },
    "overview": {"en": "Exercise overview", "vi": "Tổng quan cuộc diễn tập", "zh": "演练概况"},
    "exercise_name": {"en": "Exercise name", "vi": "Tên cuộc diễn tập", "zh": "演练名称"},
    "exercise_type": {"en": "Exercise type", "vi": "Loại hình diễn tập", "zh": "演练类型"},
    "target": {"en": "Target", "vi": "Mục tiêu", "zh": "目标单位"},
    "scope": {"en": "Scope", "vi": "Phạm vi", "zh": "范围"},
    "mission_areas": {"en": "Mission areas", "vi": "Lĩnh vực nhiệm vụ", "zh": "任务领域"},
    "threat": {"en": "Threat or hazard", "vi": "Mối đe dọa", "zh": "威胁或危害"},
    "scenario": {"en": "Scenario", "vi": "Kịch bản", "zh": "情景"},
    "sponsor": {"en": "Sponsor", "vi": "Cơ quan chủ trì", "zh": "主办单位"},
    "participants": {
        "en": "Participating organizations",
        "vi": "Các lực lượng tham gia",
        "zh": "参演单位",
    },
    "core_capabilities": {"en": "Core capabilities", "vi": "Năng lực cốt lõi", "zh": "核心能力"},
    "objectives": {"en": "Objectives", "vi": "Mục tiêu diễn tập", "zh": "演练目标"},
    "settings": {"en": "Simulation settings", "vi": "Thiết lập mô phỏng", "zh": "模拟设置"},
    "replications": {"en": "Replications", "vi": "Số lần mô phỏng", "zh": "重复次数"},
    "seed": {"en": "Seed", "vi": "Hạt giống ngẫu nhiên", "zh": "随机种子"},
    "version": {"en": "drillsim version", "vi": "Phiên bản drillsim", "zh": "drillsim 版本"},
    "scenario_hash": {"en": "Scenario hash", "vi": "Mã băm kịch bản", "zh": "情景哈希"},
    "failed_replications": {
        "en": "Failed replications (not in the results; replay the first)",
        "vi": "Lần mô phỏng bị lỗi (không tính vào kết quả; chạy lại lần đầu tiên)",
        "zh": "失败的仿真（未计入结果；重放第一次）",
    },
    "partial_run": {
        "en": "Partial results: the run {how} after {done} of {planned} planned replications of the base "
        "scenario; every figure in this report covers only those.",
        "vi": "Kết quả chưa đầy đủ: lần chạy {how} sau {done}/{planned} lần mô phỏng dự kiến của kịch bản gốc; "
        "mọi số liệu trong báo cáo này chỉ tính trên các lần đó.",
        "zh": "结果不完整：本次运行{how}，基准情景计划 {planned} 次重复中仅完成 {done} 次；本报告的所有数据仅基于这些重复。",
    },
    "run_interrupted": {"en": "was interrupted", "vi": "bị dừng giữa chừng", "zh": "被中断"},
    "run_failed": {"en": "was stopped by an error", "vi": "bị dừng do lỗi", "zh": "因错误而停止"},
    "run_running": {
        "en": "is still running or was killed",
        "vi": "vẫn đang chạy hoặc đã bị buộc dừng",
        "zh": "仍在运行或已被强制终止",
    },
    "run_incomplete": {"en": "did not complete", "vi": "chưa hoàn tất", "zh": "未完成"},
    "variants": {"en": "Variants", "vi": "Phương án giả định", "zh": "情景变体"},
    "analysis": {
        "en": "Analysis of core capabilities",
        "vi": "Phân tích năng lực cốt lõi",
        "zh": "核心能力分析",
    },
    "rating_rule": {
        "en": "Ratings come from the share of replications meeting each target: P at least {p}, S at least {s}, "
        "M at least {m}, U below {m} or never achieved. A capability takes the worst rating of its "
        "critical objectives.",
        "vi": "Xếp loại theo tỷ lệ lần mô phỏng đạt chỉ tiêu: P từ {p}, S từ {s}, M từ {m}, U dưới {m} hoặc "
        "không thực hiện được. Mỗi năng lực lấy xếp loại thấp nhất của các mục tiêu then chốt.",
        "zh": "评级依据达到目标的重复次数比例：P 不低于 {p}，S 不低于 {s}，M 不低于 {m}，低于 {m} 或从未完成为 U。"
        "核心能力取其关键目标中最差的评级。",
    },
    "rating_P": {
        "en": "Performed without challenges",
        "vi": "Thực hiện không có khó khăn",
        "zh": "顺利完成",
    },
    "rating_S": {
        "en": "Performed with some challenges",
        "vi": "Thực hiện có một số khó khăn",
        "zh": "完成但存在一些问题",
    },
    "rating_M": {
        "en": "Performed with major challenges",
        "vi": "Thực hiện có nhiều khó khăn",
        "zh": "完成但存在重大问题",
    },
    "rating_U": {"en": "Unable to be performed", "vi": "Không thực hiện được", "zh": "未能完成"},
    "objective": {"en": "Objective", "vi": "Mục tiêu", "zh": "目标"},
    "capability": {"en": "Core capability", "vi": "Năng lực cốt lõi", "zh": "核心能力"},
    "measure": {"en": "Measure", "vi": "Chỉ số đo", "zh": "衡量指标"},
    "target_time": {"en": "Target", "vi": "Chỉ tiêu", "zh": "目标时间"},
    "met_share": {"en": "Met in", "vi": "Tỷ lệ đạt", "zh": "达成比例"},
    "median": {"en": "Median", "vi": "Trung vị", "zh": "中位数"},
    "p90": {"en": "90th percentile", "vi": "Phân vị 90", "zh": "第90百分位"},
    "rating": {"en": "Rating", "vi": "Xếp loại", "zh": "评级"},
    "never": {"en": "not reached", "vi": "không đạt được", "zh": "未达到"},
    "strengths": {"en": "Strengths", "vi": "Điểm mạnh", "zh": "优势"},
    "improvements": {
        "en": "Areas for improvement",
        "vi": "Tồn tại cần khắc phục",
        "zh": "待改进方面",
    },
    "evidence": {"en": "Evidence", "vi": "Căn cứ", "zh": "依据"},
    "where_time": {
        "en": "Where the time goes",
        "vi": "Thời gian bị tiêu tốn ở đâu",
        "zh": "时间耗在何处",
    },
    "response_times": {
        "en": "Response times by agency",
        "vi": "Thời gian phản ứng của các lực lượng",
        "zh": "各单位响应时间",
    },
    "agency": {"en": "Agency", "vi": "Lực lượng", "zh": "单位"},
    "alerted": {"en": "Alerted", "vi": "Nhận tin", "zh": "接警"},
    "activated": {"en": "Activated", "vi": "Xuất phát", "zh": "出动"},
    "on_scene": {"en": "On scene", "vi": "Có mặt", "zh": "到场"},
    "task_started": {"en": "Task started", "vi": "Bắt đầu nhiệm vụ", "zh": "任务开始"},
    "task_done": {"en": "Task done", "vi": "Hoàn thành nhiệm vụ", "zh": "任务完成"},
    "queues": {
        "en": "Duty desks and units",
        "vi": "Trực ban và lực lượng",
        "zh": "值班台与处置力量",
    },
    "resource": {"en": "Resource", "vi": "Nguồn lực", "zh": "资源"},
    "desk": {"en": "duty desk", "vi": "bàn trực", "zh": "值班台"},
    "units": {"en": "units", "vi": "đơn vị", "zh": "力量"},
    "utilisation": {"en": "Utilisation", "vi": "Mức sử dụng", "zh": "利用率"},
    "busy_while_needed": {
        "en": "Busy while needed",
        "vi": "Bận khi có việc",
        "zh": "有任务期间忙碌率",
    },
    "mean_wait": {"en": "Mean wait", "vi": "Chờ trung bình", "zh": "平均等待"},
    "worst_wait": {"en": "Worst wait", "vi": "Chờ lâu nhất", "zh": "最长等待"},
    "longest_queue": {"en": "Longest queue", "vi": "Hàng đợi dài nhất", "zh": "最长队列"},
    "comparison": {"en": "What-if variants", "vi": "Các phương án giả định", "zh": "假设情景比较"},
    "difference": {"en": "Difference vs base", "vi": "Chênh lệch so với gốc", "zh": "与基准差异"},
    "significant": {"en": "significant", "vi": "có ý nghĩa", "zh": "显著"},
    "simulated_fix": {
        "en": "Simulated effect of '{change}': {effect}",
        "vi": "Hiệu quả mô phỏng của '{change}': {effect}",
        "zh": "“{change}”的模拟效果：{effect}",
    },
    "no_change": {"en": "no change", "vi": "không thay đổi", "zh": "无变化"},
    "expectations": {
        "en": "Did each what-if do what was expected?",
        "vi": "Phương án giả định có cho kết quả như dự kiến?",
        "zh": "假设情景是否达到预期？",
    },
    "expected_effect": {"en": "Expected", "vi": "Dự kiến", "zh": "预期"},
    "simulated_effect": {"en": "Simulated", "vi": "Mô phỏng", "zh": "模拟结果"},
    "better": {"en": "better", "vi": "tốt hơn", "zh": "改善"},
    "worse": {"en": "worse", "vi": "kém hơn", "zh": "变差"},
    "unclear": {"en": "no clear effect", "vi": "không rõ tác động", "zh": "无明显影响"},
    "as_expected": {"en": "as expected", "vi": "đúng dự kiến", "zh": "符合预期"},
    "not_as_expected": {"en": "NOT as expected", "vi": "KHÔNG đúng dự kiến", "zh": "不符合预期"},
    "not_significant": {"en": "not significant", "vi": "không có ý nghĩa", "zh": "不显著"},
    "plan": {
        "en": "Appendix A: Improvement plan",
        "vi": "Phụ lục A: Kế hoạch khắc phục",
        "zh": "附录A：改进计划",
    },
    "plan_intro": {
        "en": "Each row is one change simulated against the base under common random numbers, and states the six "
        "clarities: people (the responsible agency and its superior), work, deadline, authority, "
        "responsibility and the simulated result: the share of replications meeting each objective the "
        "change moves significantly, before → after, with the 95% interval of the paired difference in "
        "percentage points. Rows are ranked by those gains; a change with none is listed below, not "
        f"recommended. No duty officer or unit is proposed where nothing waited at the desk or unit pool, or where "
        f"it was busy less than {IDLE_UTILISATION:.0%} of the time it had work. The after-action meeting confirms deadlines and people.",
        "vi": "Mỗi dòng là một thay đổi đã được mô phỏng so với kịch bản gốc trên cùng chuỗi số ngẫu nhiên, bảo đảm "
        '"sáu rõ": rõ người (đơn vị chủ trì và cấp trên), rõ việc, rõ thời gian, rõ thẩm quyền, rõ trách '
        "nhiệm, rõ kết quả (kết quả mô phỏng: tỷ lệ lần mô phỏng đạt từng mục tiêu mà thay đổi tác động có ý "
        "nghĩa, trước → sau, kèm khoảng tin cậy 95% của chênh lệch ghép cặp, tính bằng điểm phần trăm). Các "
        "dòng xếp theo mức cải thiện đó; thay đổi không cải thiện được liệt kê riêng bên dưới, không đề xuất. "
        f"Không đề xuất thêm cán bộ trực hay lực lượng khi tại bộ phận trực ban hoặc lực lượng đó không có "
        f"việc nào phải chờ, hoặc chúng bận dưới {IDLE_UTILISATION:.0%} thời gian có việc. Thời hạn và người phụ trách do hội nghị rút kinh nghiệm xác nhận.",
        "zh": "每一行是一项在相同随机数下与基准对比模拟过的改变，并明确“六个明确”：责任单位及其上级、任务、时限、"
        "权限、责任人和模拟结果（该改变显著影响的各目标的达成比例，改变前 → 改变后，附配对差值的95%置信区间，"
        "单位为百分点）。各行按显著改善幅度排序；无显著改善的改变列于下方，不予建议。值班台或处置力量处无任何等待，"
        f"或其在有任务期间忙碌时间低于{IDLE_UTILISATION:.0%}时，不建议增加值班人员或力量。时限与人员由总结会议确认。",
    },
    "owner": {
        "en": "People (agency, superior)",
        "vi": "Rõ người (đơn vị chủ trì, cấp trên)",
        "zh": "责任单位（上级）",
    },
    "task": {"en": "Work (corrective action)", "vi": "Rõ việc", "zh": "任务"},
    "deadline": {"en": "Deadline", "vi": "Rõ thời gian", "zh": "时限"},
    "authority": {"en": "Authority", "vi": "Rõ thẩm quyền", "zh": "权限"},
    "responsibility": {"en": "Responsibility", "vi": "Rõ trách nhiệm", "zh": "责任人"},
    "expected": {"en": "Result (simulated)", "vi": "Rõ kết quả (mô phỏng)", "zh": "结果（模拟）"},
    "responsibility_default": {
        "en": "Head of {agency}",
        "vi": "Thủ trưởng {agency}",
        "zh": "{agency}负责人",
    },
    "plan_authority_default": {
        "en": "{agency} (default: the scenario names no sponsor, so the agency most alerts pass through)",
        "vi": "{agency} (mặc định: kịch bản không ghi cơ quan chủ trì, nên lấy đơn vị mà nhiều tin báo đi qua nhất)",
        "zh": "{agency}（默认：情景未指定主办单位，取经手警情最多的单位）",
    },
    "plan_people": {
        "en": "{agency} (superior: {superior})",
        "vi": "{agency} (cấp trên: {superior})",
        "zh": "{agency}（上级：{superior}）",
    },
    "plan_officers": {
        "en": "Add a duty officer at the duty desk of {agency} ({old} → {new})",
        "vi": "Bổ sung cán bộ trực ban tại bộ phận trực ban của {agency} ({old} → {new} người)",
        "zh": "{agency}值班台增加值班人员（{old} → {new}名）",
    },
    "plan_units": {
        "en": "Give {agency} one more unit ({old} → {new})",
        "vi": "Bổ sung cho {agency} thêm một tổ/xe ({old} → {new})",
        "zh": "为{agency}增加一个处置单元（{old} → {new}个）",
    },
    "plan_reliability": {
        "en": "Make the {channel} link {sender} → {recipient} reliable (a dedicated, tested line): tries getting "
        "through {old} → {new}",
        "vi": "Nâng độ tin cậy của kênh {channel} {sender} → {recipient} (đường dây riêng, kiểm tra định kỳ): tỷ lệ "
        "liên lạc được {old} → {new}",
        "zh": "提高{sender} → {recipient}（{channel}）渠道的可靠性（专线并定期测试）：接通率{old} → {new}",
    },
    "plan_delay": {
        "en": "Speed up the {channel} link {sender} → {recipient} (a direct hotline): mean delay {old} → {new}",
        "vi": "Rút ngắn thời gian truyền tin trên kênh {channel} {sender} → {recipient} (đường dây nóng trực tiếp): "
        "trung bình {old} → {new}",
        "zh": "缩短{sender} → {recipient}（{channel}）的传递时间（直通热线）：平均{old} → {new}",
    },
    "plan_direct": {
        "en": "{sender} alerts {recipients} directly",
        "vi": "{sender} báo thẳng cho {recipients}",
        "zh": "{sender}直接通知{recipients}",
    },
    "plan_past_desk": {
        "en": ", without waiting for the duty desk of {agency}",
        "vi": ", không chờ bộ phận trực ban của {agency} chuyển tin",
        "zh": "，无需经{agency}值班台转发",
    },
    "plan_coordinate": {
        "en": "Coordinate with {external} through {liaison}: {change}",
        "vi": "Phối hợp với {external} thông qua {liaison}: {change}",
        "zh": "通过{liaison}与{external}协调：{change}",
    },
    "plan_alternative": {
        "en": " (also effective, with a smaller gain: {change}, {gain} pp)",
        "vi": " (cũng có hiệu quả nhưng thấp hơn: {change}, {gain} điểm %)",
        "zh": "（同样有效但改善较小：{change}，{gain}个百分点）",
    },
    "plan_effect": {
        "en": "{objective}: {before} → {after} [{low}, {high} pp]",
        "vi": "{objective}: {before} → {after} [{low}; {high} điểm %]",
        "zh": "{objective}：{before} → {after}［{low}，{high}个百分点］",
    },
    "plan_effect_diff": {
        "en": "{objective}: {diff} pp [{low}, {high} pp]",
        "vi": "{objective}: {diff} điểm % [{low}; {high} điểm %]",
        "zh": "{objective}：{diff}个百分点［{low}，{high}个百分点］",
    },
    "plan_median": {
        "en": ", median {change}",
        "vi": ", trung vị {change}",
        "zh": "，中位数{change}",
    },
    "plan_worse": {"en": " (worse)", "vi": " (kém hơn)", "zh": "（变差）"},
    "plan_no_effect_short": {
        "en": "no significant change on any objective",
        "vi": "không thay đổi có ý nghĩa ở mục tiêu nào",
        "zh": "对各目标均无显著影响",
    },
    "plan_due_after": {
        "en": "{days} days after the exercise",
        "vi": "{days} ngày sau cuộc diễn tập",
        "zh": "演练后{days}天内",
    },
    "plan_due_default": {
        "en": " (default {days} days; set scenario.plan_due)",
        "vi": " (mặc định {days} ngày; đặt trong scenario.plan_due)",
        "zh": "（默认{days}天；可在 scenario.plan_due 中设置）",
    },
    "plan_date_unset": {
        "en": " (exercise date not set: scenario.date)",
        "vi": " (chưa ghi ngày diễn tập: scenario.date)",
        "zh": "（未填写演练日期：scenario.date）",
    },
    "plan_none": {
        "en": "No simulated change met an objective significantly more often; nothing is recommended.",
        "vi": "Không thay đổi nào được mô phỏng làm tăng có ý nghĩa tỷ lệ đạt mục tiêu; chưa có đề xuất.",
        "zh": "没有任何模拟的改变使目标达成率显著提高；暂无建议。",
    },
    "plan_no_effect": {
        "en": "Tested, no measurable effect (not recommended)",
        "vi": "Đã mô phỏng, không có hiệu quả đo được (không đề xuất)",
        "zh": "已模拟但无可测效果（不予建议）",
    },
    "plan_no_effect_intro": {
        "en": "These changes were simulated under the same random numbers as the base and met no objective "
        "significantly more often (95% interval of the paired difference).",
        "vi": "Các thay đổi này đã được mô phỏng trên cùng chuỗi số ngẫu nhiên như kịch bản gốc và không làm tăng có "
        "ý nghĩa tỷ lệ đạt của mục tiêu nào (khoảng tin cậy 95% của chênh lệch ghép cặp).",
        "zh": "这些改变在与基准相同的随机数下进行了模拟，未使任何目标的达成率显著提高（配对差值的95%置信区间）。",
    },
    "change": {"en": "Change", "vi": "Thay đổi", "zh": "改变"},
    "msel": {
        "en": "Appendix B: Master Scenario Events List",
        "vi": "Phụ lục B: Danh mục tình huống (MSEL)",
        "zh": "附录B：主情景事件清单（MSEL）",
    },
    "time": {"en": "Time", "vi": "Thời gian", "zh": "时间"},
    "event": {"en": "Event", "vi": "Tình huống", "zh": "事件"},
    "detected_by": {"en": "Detected by", "vi": "Đơn vị phát hiện", "zh": "发现单位"},
    "triggers": {"en": "Expected actions", "vi": "Hành động dự kiến", "zh": "预期行动"},
    "graph": {
        "en": "Appendix C: Coordination graph",
        "vi": "Phụ lục C: Sơ đồ hiệp đồng",
        "zh": "附录C：协同关系图",
    },
    "graph_note": {
        "en": "Node colour: mean wait at the duty desk. Line width: simulated time the link costs on the critical "
        "paths (for the objective it delays most); light lines: links on no critical path, drawn with "
        "their configured delay.",
        "vi": "Màu ô: thời gian chờ trung bình tại bộ phận trực ban. Độ dày nét: thời gian mô phỏng mà kênh liên "
        "lạc tiêu tốn trên đường găng (ở mục tiêu bị chậm nhiều nhất); nét nhạt: kênh không nằm trên đường "
        "găng nào, vẽ theo độ trễ khai báo trong kịch bản.",
        "zh": "节点颜色：值班台平均等待时间。线宽：该联络渠道在关键路径上的模拟耗时（取受其影响最大的目标）；"
        "浅色线：不在任何关键路径上的渠道，按情景设定的延迟绘制。",
    },
    "link": {"en": "Link", "vi": "Liên lạc", "zh": "联络"},
    "channel": {"en": "Channel", "vi": "Phương thức", "zh": "方式"},
    "delay": {"en": "Delay", "vi": "Độ trễ", "zh": "延迟"},
    "reliability": {"en": "Reliability", "vi": "Độ tin cậy", "zh": "可靠性"},
    "backup": {"en": "Backup", "vi": "Dự phòng", "zh": "备用"},
    "assumptions": {
        "en": "Appendix D: Assumptions and sources",
        "vi": "Phụ lục D: Giả định và nguồn số liệu",
        "zh": "附录D：假设与数据来源",
    },
    "assumption_intro": {
        "en": "Values with no published source, to be reviewed by the trainer:",
        "vi": "Các giá trị chưa có nguồn công bố, cần người huấn luyện xem xét:",
        "zh": "无公开来源、需由培训人员复核的数值：",
    },
    "sources": {"en": "Sources", "vi": "Nguồn", "zh": "来源"},
    "observed": {
        "en": "Live drill compared with the simulation",
        "vi": "So sánh diễn tập thực tế với mô phỏng",
        "zh": "实地演练与模拟对比",
    },
    "observed_time": {"en": "Observed", "vi": "Thực tế", "zh": "实际"},
    "percentile": {"en": "Percentile", "vi": "Phân vị", "zh": "百分位"},
    "faster": {"en": "faster than planned", "vi": "nhanh hơn dự kiến", "zh": "快于预期"},
    "slower": {"en": "slower than planned", "vi": "chậm hơn dự kiến", "zh": "慢于预期"},
    "as_planned": {"en": "as planned", "vi": "đúng dự kiến", "zh": "符合预期"},
    "charts": {"en": "Charts", "vi": "Biểu đồ", "zh": "图表"},
    "timeline_median": {
        "en": "Timeline of the median replication",
        "vi": "Diễn biến của lần mô phỏng trung vị",
        "zh": "中位重复的时间线",
    },
    "timeline_worst": {
        "en": "Timeline of the worst replication",
        "vi": "Diễn biến của lần mô phỏng xấu nhất",
        "zh": "最差重复的时间线",
    },
    "distribution": {
        "en": "Distribution of the time to {objective}",
        "vi": "Phân bố thời gian: {objective}",
        "zh": "{objective} 所需时间分布",
    },
    "split_chart": {
        "en": "Critical-path split by objective",
        "vi": "Cơ cấu đường găng theo mục tiêu",
        "zh": "各目标关键路径时间构成",
    },
    "tornado": {
        "en": "Effect of suggested improvements",
        "vi": "Hiệu quả của các đề xuất cải tiến",
        "zh": "改进建议的效果",
    },
    "tornado_axis": {
        "en": "Change in success share, summed over the objectives (percentage points)",
        "vi": "Thay đổi tỷ lệ đạt, cộng trên các mục tiêu (điểm phần trăm)",
        "zh": "各目标达成率变化之和（百分点）",
    },
    "variant_chart": {
        "en": "Objective times by variant",
        "vi": "Thời gian đạt mục tiêu theo phương án",
        "zh": "各情景变体的目标时间",
    },
    "generated": {
        "en": "Generated by drillsim {version} from run {run}.",
        "vi": "Tạo bởi drillsim {version} từ lần chạy {run}.",
        "zh": "由 drillsim {version} 根据运行 {run} 生成。",
    },
    "warnings": {"en": "Warnings", "vi": "Cảnh báo", "zh": "警告"},
    "none": {"en": "None.", "vi": "Không có.", "zh": "无。"},
    "minutes": {"en": "min", "vi": "phút", "zh": "分钟"},
}


def t(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (English when a language lacks it), formatted."""
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


# Critical-path categories (drillsim.analysis.paths.CATEGORIES) in the report's words.
CATEGORY_TEXT: dict[str, dict[str, str]] = {
    "detection": {"en": "detection", "vi": "phát hiện", "zh": "发现"},
    "handling": {
        "en": "message handling at a duty desk",
        "vi": "xử lý tin tại bộ phận trực ban",
        "zh": "值班台处理信息",
    },
    "link": {"en": "link delay", "vi": "truyền tin trên kênh liên lạc", "zh": "联络渠道传递"},
    "retries": {
        "en": "failed tries and retries",
        "vi": "gọi không được, gọi lại",
        "zh": "呼叫失败与重试",
    },
    "activation": {"en": "activation", "vi": "huy động", "zh": "集结"},
    "travel": {"en": "travel", "vi": "cơ động đến hiện trường", "zh": "行进到场"},
    "units": {"en": "waiting for units", "vi": "chờ lực lượng", "zh": "等待力量"},
    "prerequisite": {
        "en": "waiting for a prerequisite",
        "vi": "chờ nhiệm vụ trước",
        "zh": "等待前置任务",
    },
    "work": {"en": "doing the work", "vi": "thực hiện nhiệm vụ", "zh": "执行任务"},
    "before_inject": {"en": "before the inject", "vi": "trước tình huống", "zh": "情况发生前"},
}


def category(name: str, lang: str) -> str:
    """A critical-path category in ``lang`` (the name itself when unknown)."""
    entry = CATEGORY_TEXT.get(name)
    return (entry.get(lang) or entry["en"]) if entry else name


# -- Queue table (issue 14): waits per alert and per request at each desk and unit pool ----------
TEXT.update(
    {
        "queue_kind_desk": {"en": "Duty desk", "vi": "Bàn trực ban", "zh": "值班台"},
        "queue_kind_units": {"en": "Units", "vi": "Lực lượng (tổ/xe)", "zh": "处置力量"},
        "queue_per_replication": {
            "en": "Alerts or requests per replication",
            "vi": "Số tin báo hoặc yêu cầu mỗi lần mô phỏng",
            "zh": "每次重复的信息或请求数",
        },
        "queue_waited": {"en": "Had to wait", "vi": "Tỷ lệ phải chờ", "zh": "需等待的比例"},
        "wait_mean": {"en": "Mean wait", "vi": "Thời gian chờ trung bình", "zh": "平均等待时间"},
        "wait_median": {
            "en": "Median wait",
            "vi": "Thời gian chờ trung vị",
            "zh": "等待时间中位数",
        },
        "wait_p90": {
            "en": "90th percentile wait",
            "vi": "Thời gian chờ phân vị 90",
            "zh": "等待时间第90百分位",
        },
        "still_waiting": {"en": "still waiting", "vi": "vẫn đang chờ", "zh": "仍在等待"},
        "queue_note": {
            "en": "Wait per alert at a duty desk: from the moment the agency learned of the incident until a duty "
            "officer took the message up. Wait per request for units: from the moment the work could start "
            "at that agency until its units were assigned. Every alert and request of all {n} replications "
            "is one observation; desks and units that nothing came to are not listed. Alerts or requests "
            'still waiting when a replication ended count as longer than any wait ("still waiting": half, '
            "or for the 90th percentile a tenth, of them were). Sorted by the 90th percentile wait.",
            "vi": "Thời gian chờ của mỗi tin báo tại bàn trực ban: từ lúc lực lượng nắm được tình huống đến lúc cán "
            "bộ trực ban bắt đầu xử lý tin đó. Thời gian chờ của mỗi yêu cầu lực lượng: từ lúc nhiệm vụ có "
            "thể bắt đầu tại lực lượng đó đến lúc được bố trí đơn vị. Mỗi tin báo, mỗi yêu cầu trong cả {n} "
            "lần mô phỏng là một quan sát; bàn trực ban và đơn vị không nhận tin báo hay yêu cầu nào thì "
            "không liệt kê. Tin báo hoặc yêu cầu còn đang chờ khi lần mô phỏng kết thúc được tính là chờ lâu "
            'hơn mọi thời gian chờ khác ("vẫn đang chờ": một nửa số đó, hoặc với phân vị 90 là một phần '
            "mười, còn đang chờ). Sắp xếp theo thời gian chờ phân vị 90.",
            "zh": "值班台每条信息的等待时间：从该单位获知事件到值班员开始处理该信息。每项力量请求的等待时间：从任务在"
            "该单位可以开始到分配到处置力量为止。全部 {n} 次重复中的每条信息、每项请求各为一个观测值；没有收到"
            "任何信息或请求的值班台和处置力量不列出。重复结束时仍在等待的信息或请求按长于任何等待时间计"
            "（“仍在等待”：其中一半，对第90百分位而言十分之一，仍在等待）。按等待时间第90百分位排序。",
        },
    }
)

DECIMAL_MARKS: dict[str, tuple[str, str]] = {"en": (".", ","), "vi": (",", "."), "zh": (".", ",")}
"""(decimal mark, thousands separator) per report language: Vietnamese writes 1.234,5."""


def number(x: float, lang: str, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals in the language's form: ``1,234.5`` (en, zh), ``1.234,5`` (vi)."""
    point, group = DECIMAL_MARKS.get(lang, DECIMAL_MARKS["en"])
    text = f"{x:,.{digits}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", group)
