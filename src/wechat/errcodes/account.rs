//! Registration and account-setup errcodes: fast registration, names, avatar, signature, categories (wechat-api.md §8, §9.3).

use super::{ErrInfo, e};

const BIND_ZH: &str = "开放平台账号绑定错误";
const BIND_EN: &str = "Open Platform account binding error";
const PLUGIN_ZH: &str = "插件管理错误";
const PLUGIN_EN: &str = "Plugin management error";
const PLUGIN_ACT_ZH: &str = "检查插件 appid、版本与申请状态";
const PLUGIN_ACT_EN: &str = "Check the plugin appid, version and application status";
const ADMIN_ZH: &str = "公众号管理员需要确认此调用，或已拒绝该 IP";
const ADMIN_EN: &str = "The official account's administrator must confirm this call, or rejected this IP";
const ADMIN_ACT_ZH: &str = "请管理员在微信中确认；被拒绝后 1 小时或 24 小时后再试";
const ADMIN_ACT_EN: &str = "Ask the administrator to confirm in WeChat; after a rejection retry in 1 h or 24 h";
const NAME_ZH: &str = "名称格式、频率、禁用、重名或保护期错误";
const NAME_EN: &str = "Name format, frequency, forbidden word, duplicate or protection-period error";
const NAME_ACT_ZH: &str = "换一个符合规则的名称";
const NAME_ACT_EN: &str = "Choose another name that meets the rules";
const ENTITY_ZH: &str = "主体、手机号或身份证达到上限";
const ENTITY_EN: &str = "Entity, mobile number or ID card reached its limit";
const ENTITY_ACT_ZH: &str = "更换主体信息或联系微信客服";
const ENTITY_ACT_EN: &str = "Use other entity details or contact WeChat support";

#[rustfmt::skip]
pub(super) const TABLE: &[ErrInfo] = &[
    e(53000, ENTITY_ZH, ENTITY_EN, ENTITY_ACT_ZH, ENTITY_ACT_EN),
    e(53001, ENTITY_ZH, ENTITY_EN, ENTITY_ACT_ZH, ENTITY_ACT_EN),
    e(53002, ENTITY_ZH, ENTITY_EN, ENTITY_ACT_ZH, ENTITY_ACT_EN),
    e(53003, ENTITY_ZH, ENTITY_EN, ENTITY_ACT_ZH, ENTITY_ACT_EN),
    e(53010, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53011, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53012, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53013, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53014, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53015, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53016, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53017, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53018, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53019, NAME_ZH, NAME_EN, NAME_ACT_ZH, NAME_ACT_EN),
    e(53200, "本月功能介绍修改次数已用完", "Monthly introduction change quota used up", "下月再改", "Change it next month"),
    e(53201, "功能介绍含有黑名单关键词", "The introduction contains blacklisted keywords", "修改功能介绍的措辞", "Reword the introduction"),
    e(53202, "本月头像修改次数已用完", "Monthly avatar change quota used up", "下月再改；getaccountbasicinfo 显示剩余次数", "Change it next month; getaccountbasicinfo shows the quota"),
    e(53203, "签名或头像修改错误", "Signature or avatar change error", "检查素材与内容后重试", "Check the media and text and try again"),
    e(53204, "功能介绍不合法", "Invalid introduction", "4～120 字，不含特殊字符", "4 to 120 characters, no special characters"),
    e(53300, "本月类目修改次数已用完", "Monthly category change limit reached", "下月再改", "Change it next month"),
    e(53301, "类目数量超过上限", "Too many categories", "先删除不用的类目", "Delete unused categories first"),
    e(53302, "主体类型不能使用该类目", "The entity type may not use this category", "选择其他类目", "Choose another category"),
    e(53303, "参数不合法", "Invalid parameters", "检查类目 id 与资质", "Check the category ids and qualifications"),
    e(53304, "类目重复", "Duplicate category", "无需再添加", "No need to add it again"),
    e(53305, "包含未通过 ICP/IPC 校验的类目", "Contains a category failing the ICP/IPC check", "移除该类目或补充备案", "Remove the category or complete the filing"),
    e(53306, "修改类目只能修改资质，不能修改类目 id", "Modify may change qualifications only, not ids", "删除后重新添加以更换类目", "Delete and add again to change the category"),
    e(53307, "只有审核失败的类目可以修改", "Only rejected categories may be modified", "等待审核结果", "Wait for the audit result"),
    e(53308, "审核中的类目不能删除", "Categories under audit cannot be deleted", "等待审核结束后再删除", "Delete after the audit ends"),
    e(53309, "社交红包类目不能删除", "The 社交红包 category cannot be deleted", "保留该类目", "Keep the category"),
    e(53310, "类目数量超过上限", "Over the category limit", "填写 apply_reason 申请更多类目", "Add apply_reason to request more"),
    e(53311, "需要提交资质材料", "Qualification material required", "上传资质材料后重新提交", "Upload the qualification material and submit again"),
    e(86004, "微信号不合法", "Invalid WeChat ID", "核对法人或用户的微信号", "Check the legal person's or user's WeChat ID"),
    e(86021, "企业非在营状态", "The enterprise is not operating (非在营)", "核对企业工商状态", "Check the enterprise's registry status"),
    e(86022, "企业名称与代码不一致", "Enterprise name and code do not match", "核对企业名称与统一社会信用代码", "Check the enterprise name and unified social credit code"),
    e(86030, "缺少必填字段", "Required JSON fields missing", "补全注册信息", "Fill in the registration details"),
    e(86031, "第三方平台无效或未全网发布", "Platform invalid or not published", "先完成全网发布", "Publish the platform first"),
    e(86032, "微信号不合法", "Invalid WeChat ID", "核对用户的微信号", "Check the user's WeChat ID"),
    e(86033, "第三方平台缺少注册所需权限集", "The platform lacks the permission sets registration needs", "在开放平台勾选所需权限集并全网发布", "Select the required permission sets on the Open Platform and publish"),
    e(86034, "该微信号受限", "This WeChat ID is restricted", "换一个微信号", "Use another WeChat ID"),
    e(86036, "姓名与微信号不一致", "Name and WeChat ID do not match", "核对用户的姓名与微信号", "Check the user's name and WeChat ID"),
    e(86040, "个人主体的第三方平台不能调用", "Platforms with a personal entity may not call this", "改用企业主体的第三方平台", "Use a platform owned by an enterprise"),
    e(89000, BIND_ZH, BIND_EN, "该账号已绑定开放平台账号", "The account is already bound to an Open Platform account"),
    e(89001, BIND_ZH, BIND_EN, "账号与开放平台账号主体不同", "The account and the Open Platform account have different entities"),
    e(89002, BIND_ZH, BIND_EN, "账号未绑定开放平台账号", "The account is not bound to an Open Platform account"),
    e(89003, BIND_ZH, BIND_EN, "该开放平台账号不是通过接口创建的", "The Open Platform account was not created through the API"),
    e(89004, BIND_ZH, BIND_EN, "开放平台账号已绑定 100 个账号", "The Open Platform account already binds 100 accounts"),
    e(89236, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89237, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89238, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89239, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89240, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89241, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89242, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89243, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89244, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89245, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89246, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89247, "内部错误（常见于 code 长度与 code_type 不符）", "Internal error (often code length not matching code_type)", "核对企业代码与代码类型", "Check the enterprise code against its code_type"),
    e(89248, "code_type 不合法", "Invalid code_type", "使用 1（统一社会信用代码）、2（组织机构代码）或 3（营业执照注册号）", "Use 1 (unified social credit code), 2 (organization code) or 3 (licence number)"),
    e(89249, "该主体已有进行中的注册任务", "A task for this entity is already running", "等上一任务结束 24 小时后再试", "Retry 24 h after the previous task ends"),
    e(89250, "未找到该任务", "Task not found", "核对查询的名称与法人信息", "Check the name and legal-person details of the query"),
    e(89251, "等待法人人脸核验", "Waiting for the legal person's face verification", "提醒法人在 24 小时内完成核验", "Remind the legal person to verify within 24 h"),
    e(89252, "法人与企业信息一致性校验中", "Legal-person and enterprise consistency check in progress", "等待校验结果", "Wait for the check"),
    e(89253, "缺少参数", "Missing parameters", "补全注册信息", "Fill in the registration details"),
    e(89254, "第三方平台缺少所需权限集或未全网发布", "The platform lacks the required permission sets or is not published", "勾选 5 个所需权限集并全网发布", "Select the five required permission sets and publish"),
    e(89255, "code 不合法", "Invalid code", "企业代码的长度和内容须与 code_type 一致", "The code's length and content must match code_type"),
    e(89257, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89258, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89259, PLUGIN_ZH, PLUGIN_EN, PLUGIN_ACT_ZH, PLUGIN_ACT_EN),
    e(89295, "个人主体的第三方平台不支持", "Platforms with a personal entity are not supported", "改用企业主体的第三方平台", "Use a platform owned by an enterprise"),
    e(89501, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89502, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89503, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89504, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89505, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89506, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(89507, ADMIN_ZH, ADMIN_EN, ADMIN_ACT_ZH, ADMIN_ACT_EN),
    e(91001, "不是快速注册的小程序", "Not created by fast registration", "该接口只适用于快速注册的小程序", "This API serves fast-registered mini programs only"),
    e(91002, "小程序发布后不能改名", "Cannot rename after release", "通过认证流程改名", "Rename through verification"),
    e(91003, "改名状态不合法", "Invalid rename state", "等待上一次改名结束", "Wait for the previous rename to finish"),
    e(91004, "名称不合法", "Invalid name", "换一个名称", "Choose another name"),
    e(91005, "主体保护期（15 天）内", "Within the 15-day entity protection", "15 天后再试", "Try again after 15 days"),
    e(91006, "名称命中微信号", "The name matches a WeChat ID", "换一个名称", "Choose another name"),
    e(91007, "名称已被占用", "The name is taken", "换一个名称", "Choose another name"),
    e(91008, "名称在 7 天侵权保护期内", "The name is within the 7-day infringement protection", "7 天后再试或换名", "Try after 7 days or choose another name"),
    e(91009, "需要提交证明材料", "Supporting material required", "上传证明材料的 media_id", "Upload the supporting material's media_id"),
    e(91010, "改名失败", "Rename failed", "稍后再试", "Try again later"),
    e(91011, "没有该改名审核记录", "No such rename audit record", "使用 setnickname 返回的 audit_id", "Use the audit_id returned by setnickname"),
    e(91012, "改名失败", "Rename failed", "稍后再试", "Try again later"),
    e(91013, "占用名称过多", "Too many names occupied", "释放不用的名称", "Release unused names"),
    e(91014, "名称中的“+”号规则冲突", "The name breaks the \"+\" rule", "换一个名称", "Choose another name"),
    e(91015, "名称与主体冲突", "The name conflicts with the entity", "换一个名称", "Choose another name"),
    e(91016, "名称与主体冲突", "The name conflicts with the entity", "换一个名称", "Choose another name"),
    e(91017, "名称与主体冲突", "The name conflicts with the entity", "换一个名称", "Choose another name"),
    e(91018, "组织主体小程序发布后名称因侵权被清空", "Name cleared for infringement after release", "通过认证流程改名", "Rename through verification"),
    e(91019, "小程序正在审核中", "The mini program is under audit", "等待审核结束", "Wait for the audit to end"),
    e(91030, "该微信号今日注册次数已达上限（5 次）", "This WeChat ID used its 5 registrations for today", "明天再试", "Try again tomorrow"),
];
