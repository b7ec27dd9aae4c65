//! The status codes of registration tasks in both languages, each marked final or not: the result push's
//! (wechat-api.md §4.2) and the `action=query` answers' (§8.4 personal, official; §8.3 enterprise, Senparc's enum).
//!
//! [UNCONFIRMED] §8.3's enterprise enum is one step off the official personal one and may be offset by one; it is
//! shown as the platform's words only, never used to decide that a task ended (the push decides that).

/// One status: its code, its meaning in Chinese and English, and whether the task is over with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInfo {
    pub code: i64,
    pub zh: &'static str,
    pub en: &'static str,
    pub is_final: bool,
}

const fn s(code: i64, zh: &'static str, en: &'static str, is_final: bool) -> StatusInfo {
    StatusInfo { code, zh, en, is_final }
}

/// `1001`–`1008`, the entity and administrator limits (§4.2), shared by the push and both query enums.
const LIMITS: [StatusInfo; 8] = [
    s(
        1001,
        "主体创建小程序数量已达上限",
        "The entity has reached its mini-program limit",
        true,
    ),
    s(1002, "主体已被列入黑名单", "The entity is blacklisted", true),
    s(
        1003,
        "管理员绑定账号数量已达上限",
        "The administrator has reached the bound-account limit",
        true,
    ),
    s(1004, "管理员已被列入黑名单", "The administrator is blacklisted", true),
    s(
        1005,
        "管理员手机绑定账号数量已达上限",
        "The administrator's phone has reached the bound-account limit",
        true,
    ),
    s(
        1006,
        "管理员手机号已被列入黑名单",
        "The administrator's phone is blacklisted",
        true,
    ),
    s(
        1007,
        "管理员身份证创建账号数量已达上限",
        "The administrator's ID card has reached the account limit",
        true,
    ),
    s(
        1008,
        "管理员身份证已被列入黑名单",
        "The administrator's ID card is blacklisted",
        true,
    ),
];

/// §4.2 `notify_third_fasteregister`: every push ends its task.
const PUSH: [StatusInfo; 12] = [
    s(0, "创建成功", "Created", true),
    s(
        -1,
        "企业与法人姓名不一致",
        "The enterprise and the legal person's name do not match",
        true,
    ),
    s(
        100001,
        "法人 24 小时内未完成身份证校验",
        "The legal person did not complete the ID check within 24 hours",
        true,
    ),
    s(
        100002,
        "法人 24 小时内未完成人脸识别",
        "The legal person did not complete face recognition within 24 hours",
        true,
    ),
    s(
        100003,
        "法人 24 小时内未确认",
        "The legal person did not confirm within 24 hours",
        true,
    ),
    s(
        100004,
        "实名信息与法人姓名不一致",
        "The real-name information does not match the legal person's name",
        true,
    ),
    s(
        101,
        "工商数据：企业已注销",
        "Business registry: the enterprise is deregistered",
        true,
    ),
    s(
        102,
        "工商数据：企业不存在或未更新",
        "Business registry: the enterprise is not found or not updated",
        true,
    ),
    s(
        103,
        "工商数据：法人姓名不一致",
        "Business registry: the legal person's name does not match",
        true,
    ),
    s(
        104,
        "工商数据：法人身份证号不一致",
        "Business registry: the legal person's ID number does not match",
        true,
    ),
    s(
        105,
        "法人身份证尚未进入工商数据，请 5–15 个工作日后重试",
        "The legal person's ID is not in the registry yet; retry in 5–15 working days",
        true,
    ),
    s(
        1000,
        "工商数据：企业或法人信息不一致",
        "Business registry: the enterprise or legal person information is inconsistent",
        true,
    ),
];

/// §8.4 `fastregisterpersonalweapp?action=query` (official). Terminal: 12, and the failures 1, 2, 5, 8, 11, 14.
const PERSONAL_QUERY: [StatusInfo; 15] = [
    s(
        0,
        "任务已创建，等待用户完成",
        "Task created; waiting for the user",
        false,
    ),
    s(1, "超过 24 小时未完成", "Not completed within 24 hours", true),
    s(2, "用户拒绝", "The user declined", true),
    s(3, "用户已同意", "The user agreed", false),
    s(4, "已开始人脸识别", "Face verification started", false),
    s(5, "人脸识别失败", "Face verification failed", true),
    s(6, "人脸识别通过", "Face verification passed", false),
    s(
        7,
        "已提交手机号，验证码已发送",
        "Phone number submitted; code sent",
        false,
    ),
    s(8, "手机号验证失败", "Phone verification failed", true),
    s(9, "手机号验证通过", "Phone verified", false),
    s(10, "已提交创建", "Creation submitted", false),
    s(11, "创建失败", "Creation failed", true),
    s(12, "创建成功", "Created", true),
    s(13, "认证通过", "Verification passed", false),
    s(14, "认证失败", "Verification failed", true),
];

/// §8.3 `fastregisterenterpriseweapp?action=query`, Senparc's enum ([UNCONFIRMED], see the module's note).
const ENTERPRISE_QUERY: [StatusInfo; 15] = [
    s(0, "正常", "OK", false),
    s(
        1,
        "任务已创建，等待法人完成",
        "Task created; waiting for the legal person",
        false,
    ),
    s(2, "任务已超时", "The task timed out", true),
    s(3, "法人拒绝", "The legal person declined", true),
    s(4, "法人已同意", "The legal person agreed", false),
    s(5, "已开始人脸识别", "Face verification started", false),
    s(6, "人脸识别失败", "Face verification failed", true),
    s(7, "人脸识别通过", "Face verification passed", false),
    s(
        8,
        "已提交手机号，验证码已发送",
        "Phone number submitted; code sent",
        false,
    ),
    s(9, "手机号验证失败", "Phone verification failed", true),
    s(
        10,
        "手机号验证通过，已提交创建",
        "Phone verified; creation submitted",
        false,
    ),
    s(11, "创建失败", "Creation failed", true),
    s(12, "创建成功", "Created", true),
    s(13, "企业信息核验通过", "Enterprise information verified", false),
    s(14, "企业信息核验失败", "Enterprise information rejected", true),
];

/// A result push's status (§4.2).
pub fn push_status(code: i64) -> Option<&'static StatusInfo> {
    PUSH.iter().chain(&LIMITS).find(|info| info.code == code)
}

/// An `action=query` answer's status, by the task's kind (§8.3, §8.4).
pub fn query_status(personal: bool, code: i64) -> Option<&'static StatusInfo> {
    let table: &[StatusInfo] = if personal { &PERSONAL_QUERY } else { &ENTERPRISE_QUERY };
    table.iter().chain(&LIMITS).find(|info| info.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_names_a_code_once_and_marks_what_ends_a_task() {
        for table in [&PUSH[..], &PERSONAL_QUERY[..], &ENTERPRISE_QUERY[..], &LIMITS[..]] {
            let mut codes: Vec<i64> = table.iter().map(|info| info.code).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), table.len());
        }
        // §8.4: 12 is the success; 1, 2, 5, 8, 11, 14 and the limits end a task; the rest are in progress.
        let finals: Vec<i64> = PERSONAL_QUERY.iter().filter(|i| i.is_final).map(|i| i.code).collect();
        assert_eq!(finals, [1, 2, 5, 8, 11, 12, 14]);
        assert!(query_status(true, 1005).is_some_and(|i| i.is_final));
        assert_eq!(
            push_status(100003).map(|i| i.en),
            Some("The legal person did not confirm within 24 hours")
        );
        assert_eq!(query_status(false, 99), None);
    }
}
