//! Third-party-platform errcodes (`61xxx`, wechat-api.md §9.2, §1, §8.6).

use super::{ErrInfo, e};

const REGISTER_LIMIT_ZH: &str = "管理员、身份证或手机号达到注册上限或被列入黑名单";
const REGISTER_LIMIT_EN: &str =
    "Administrator, ID card or mobile number reached its registration limit or is blacklisted";
const REGISTER_LIMIT_ACT_ZH: &str = "更换管理员或联系微信客服";
const REGISTER_LIMIT_ACT_EN: &str = "Use another administrator or contact WeChat support";

#[rustfmt::skip]
pub(super) const TABLE: &[ErrInfo] = &[
    e(61000, "不合法的第三方平台类型", "Invalid third-party platform type", "检查 component_appid 配置", "Check the component_appid configuration"),
    e(61001, "第三方平台类型与 component_appid 不匹配", "Platform type does not match component_appid", "检查 component_appid 配置", "Check the component_appid configuration"),
    e(61003, "该账号未授权给第三方平台（或已取消授权）", "The account has not authorized the platform (or cancelled it)", "请商家重新授权", "Ask the merchant to authorize again"),
    e(61004, "调用方 IP 未在第三方平台白名单中", "Caller IP is not on the platform's whitelist", "在开放平台 → 第三方平台 → 开发资料中把 hub 的出口 IP 加入白名单", "Add the hub's egress IP to the whitelist (Open Platform → third-party platform → development settings)"),
    e(61005, "component_verify_ticket 已过期", "component_verify_ticket expired", "检查授权事件接收 URL 是否能收到推送，或调用 api_start_push_ticket", "Check that the authorization-event URL receives pushes, or call api_start_push_ticket"),
    e(61006, "component_verify_ticket 无效", "component_verify_ticket invalid", "使用最近一次推送的 ticket；检查消息校验 Token 与 EncodingAESKey", "Use the latest pushed ticket; check the message token and EncodingAESKey"),
    e(61007, "第三方平台未获得该接口的权限集", "API not authorized to the platform: the merchant did not grant its permission set", "请商家重新授权并勾选该接口所需的权限集", "The merchant did not grant the permission set; ask them to authorize again with it"),
    e(61008, "请求中有重复的键", "Duplicate key in the request", "程序缺陷：检查请求体", "A bug: check the request body"),
    e(61009, "授权码无效", "Invalid authorization code", "授权码只能用一次；请商家重新扫码授权", "An auth code is single use; ask the merchant to authorize again"),
    e(61010, "授权码已过期", "Authorization code expired", "授权码 10 分钟内有效；请商家重新扫码授权", "Auth codes last 10 minutes; ask the merchant to authorize again"),
    e(61011, "不合法的第三方平台", "Invalid component (not a platform appid)", "检查 component_appid 是否为第三方平台的 AppID", "Check that component_appid is the platform's appid"),
    e(61012, "不合法的选项名", "Invalid option name", "使用 location_report、voice_recognize 或 customer_service", "Use location_report, voice_recognize or customer_service"),
    e(61013, "不合法的选项值", "Invalid option value", "检查选项取值（0/1，位置上报 0/1/2）", "Check the option value (0/1; location_report 0/1/2)"),
    e(61014, "必须使用第三方平台令牌调用平台接口", "A component API must be called with the component token", "程序缺陷：令牌类型错误", "A bug: wrong token kind"),
    e(61015, "必须使用被授权账号的令牌", "This API needs an authorizer token, not the component token", "程序缺陷：令牌类型错误", "A bug: wrong token kind"),
    e(61016, "该接口的权限集需要第三方平台确认", "The API's permission set must be confirmed by the platform", "在开放平台确认该权限集", "Confirm the permission set on the Open Platform"),
    e(61017, "权限集未授权", "Permission set not authorized", "请商家重新授权并勾选该权限集", "Ask the merchant to authorize again with the permission set"),
    e(61018, "权限集已确认", "Permission set already confirmed", "无需处理", "Nothing to do"),
    e(61019, "权限集无需确认", "Permission set needs no confirmation", "无需处理", "Nothing to do"),
    e(61020, "参数错误", "Parameter error", "检查请求参数", "Check the request arguments"),
    e(61021, "无法确认", "Cannot confirm", "稍后再试或联系微信客服", "Try later or contact WeChat support"),
    e(61022, "不能重复提交", "Cannot resubmit", "等待上一次提交的结果", "Wait for the previous submission's result"),
    e(61023, "authorizer_refresh_token 无效", "authorizer_refresh_token invalid", "用 api_get_authorizer_list 重新同步；仍失败则请商家重新授权", "Re-sync with api_get_authorizer_list; if it persists, ask the merchant to authorize again"),
    e(61024, "必须用 api_component_token 获取第三方平台令牌", "Use api_component_token to obtain a component token", "程序缺陷", "A bug in the caller"),
    e(61025, "只读选项，不能修改", "Read-only option", "该选项不能修改", "This option cannot be changed"),
    e(61026, "无权注册", "Registration access denied", "检查第三方平台的注册权限集", "Check the platform's registration permission sets"),
    e(61027, "注册次数超过上限", "Registration limit exceeded", "等待额度恢复", "Wait for the quota to recover"),
    e(61028, "第三方平台未全网发布", "Platform not published (未全网发布)", "先在开放平台完成全网发布，或把账号加入授权测试列表", "Publish the platform first, or add the account to the authorization test list"),
    e(61029, "第三方平台缺少必需的权限集", "Platform lacks the required permission sets", "在开放平台勾选所需权限集并重新全网发布", "Select the required permission sets on the Open Platform and publish again"),
    e(61030, "第三方平台不能取消授权", "The platform cannot cancel the authorization", "请商家在公众平台取消授权", "The merchant cancels it on mp.weixin.qq.com"),
    e(61039, "代码隐私接口检测尚未完成", "The privacy-API scan after commit has not finished", "约 1 分钟后再提交审核", "Submit for audit again in about a minute"),
    e(61040, "检测到未授权或未配置的隐私接口", "A privacy API is used without authorization or configuration", "在小程序后台配置用户隐私保护指引，或声明 privacy_api_not_use", "Configure the privacy guide for the mini program, or declare privacy_api_not_use"),
    e(61051, "公众号主体类型不允许快速注册小程序", "The official account's entity type may not fast-register mini programs", "改用其他注册方式", "Use another registration route"),
    e(61052, "公众号未认证", "The official account is not verified", "先完成公众号认证", "Verify the official account first"),
    e(61053, "主体注册小程序数量已达上限", "The entity reached its mini-program registration limit", "无法继续为该主体注册", "No more registrations for this entity"),
    e(61054, "主体已被列入黑名单", "The entity is blacklisted", "联系微信客服", "Contact WeChat support"),
    e(61055, "该公众号本月注册次数已达上限", "The official account's monthly registration quota is used up", "下月再试（每月 5 次）", "Try next month (5 per month)"),
    e(61056, "该主体类型必须选择复用认证", "This entity type must reuse the verification (copy_wx_verify)", "把 copy_wx_verify 设为 1", "Set copy_wx_verify to 1"),
    e(61057, "该公众号有正在进行的注册", "The official account has a registration in progress", "等待进行中的注册完成", "Wait for the running registration to finish"),
    e(61058, "扫码 ticket 无效", "Scan ticket invalid", "重新走授权页面获取 ticket；超时重试须间隔 5 秒以上", "Open the authorization page again for a new ticket; wait over 5 s before retrying"),
    e(61060, "redirect_uri 不合法", "Invalid redirect uri", "redirect_uri 的域名须为登录授权的发起页域名", "The redirect_uri host must be the platform's authorization-origin domain"),
    e(61061, "海外账号不允许", "Overseas accounts are not allowed", "改用其他注册方式", "Use another registration route"),
    e(61063, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61064, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61065, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61066, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61067, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61068, REGISTER_LIMIT_ZH, REGISTER_LIMIT_EN, REGISTER_LIMIT_ACT_ZH, REGISTER_LIMIT_ACT_EN),
    e(61069, "管理员不合法", "Invalid administrator", "更换管理员", "Use another administrator"),
    e(61070, "法人姓名与微信号不一致", "Legal-person name does not match the WeChat ID", "核对法人姓名与其微信号后重新提交", "Check the legal person's name and WeChat ID and submit again"),
];
