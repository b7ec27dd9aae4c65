//! Permission sets (权限集, `funcscope_category.id`) of wechat-api.md §3.1 and §3.2, with names in zh-CN and en.
//!
//! `exclusive` is `None` where the doc marks `?`, a removed set, or a conflict between sources (set 27).

/// Whether the set belongs to official accounts or mini programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    OfficialAccount,
    MiniProgram,
}

/// One permission set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermissionSet {
    pub id: u32,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: AccountKind,
    /// Can be granted to only one platform at a time (互斥); `None` when unknown.
    pub exclusive: Option<bool>,
}

use AccountKind::{MiniProgram as MP, OfficialAccount as OA};

const fn p(id: u32, kind: AccountKind, exclusive: Option<bool>, zh: &'static str, en: &'static str) -> PermissionSet {
    PermissionSet {
        id,
        zh,
        en,
        kind,
        exclusive,
    }
}

const Y: Option<bool> = Some(true);
const N: Option<bool> = Some(false);
const U: Option<bool> = None;

#[rustfmt::skip]
pub static PERMISSION_SETS: &[PermissionSet] = &[
    // §3.1 official accounts
    p(1, OA, N, "消息管理", "Message management"),
    p(2, OA, N, "用户管理", "User management"),
    p(3, OA, N, "账号服务", "Account services"),
    p(4, OA, Y, "网页服务", "Web services"),
    p(5, OA, N, "微信小店", "WeChat store"),
    p(6, OA, N, "微信多客服", "Multi-agent customer service"),
    p(7, OA, N, "群发与通知", "Mass messages and notifications"),
    p(8, OA, N, "微信卡券", "WeChat cards and coupons"),
    p(9, OA, N, "微信扫一扫", "WeChat Scan"),
    p(10, OA, N, "微信连WIFI", "WeChat Wi-Fi"),
    p(11, OA, N, "素材管理", "Material management"),
    p(12, OA, N, "微信摇周边", "WeChat Shake nearby"),
    p(13, OA, N, "微信门店", "WeChat stores"),
    // Removed from the current doc (Senparc: cancelled).
    p(14, OA, U, "微信支付", "WeChat Pay"),
    p(15, OA, N, "菜单管理", "Menu management"),
    p(16, OA, U, "获取认证状态及信息", "Verification status and details"),
    p(22, OA, N, "城市服务", "City services"),
    p(23, OA, N, "广告管理", "Advertising management"),
    p(24, OA, Y, "开放平台账号管理", "Open Platform account management"),
    p(26, OA, N, "微信电子发票", "WeChat e-invoices"),
    // The doc's table says not exclusive; the fast-registration page says one platform only (conflict, §3.1).
    p(27, OA, U, "快速注册小程序", "Fast mini-program registration"),
    p(33, OA, N, "小程序关联管理", "Mini-program linking"),
    p(34, OA, Y, "微信商品库管理", "WeChat product library"),
    p(35, OA, U, "微信卡路里", "WeChat Calories"),
    p(44, OA, N, "好物圈", "Good Finds"),
    p(46, OA, N, "微信一物一码", "WeChat one item one code"),
    p(47, OA, N, "微信财政电子票据", "WeChat fiscal e-receipts"),
    p(54, OA, Y, "服务号对话管理", "Service account conversations"),
    p(66, OA, N, "微信服务市场管理", "WeChat service market"),
    p(89, OA, N, "服务号订阅通知", "Service account subscription notices"),
    p(113, OA, N, "就医助手", "Medical visit assistant"),
    p(121, OA, U, "公众号购物订单", "Official account shopping orders"),
    // §3.2 mini programs
    p(17, MP, N, "获取小程序码", "Mini-program codes"),
    p(18, MP, Y, "小程序开发与数据分析", "Development and data analysis"),
    p(19, MP, N, "小程序客服管理", "Customer service"),
    p(20, MP, U, "微信登录权限", "WeChat login"),
    p(21, MP, U, "数据分析权限", "Data analysis"),
    p(25, MP, Y, "开放平台账号管理", "Open Platform account management"),
    p(30, MP, N, "小程序基本信息管理", "Basic information"),
    p(31, MP, N, "小程序认证名称检测", "Verification name check"),
    p(36, MP, U, "微信卡路里管理", "WeChat Calories"),
    p(37, MP, N, "附近的小程序管理", "Nearby mini programs"),
    p(40, MP, Y, "小程序插件管理", "Plugin management"),
    p(41, MP, Y, "好物圈管理", "Good Finds"),
    p(45, MP, Y, "微信物流服务", "WeChat logistics"),
    p(48, MP, N, "微信财政电子票据管理", "WeChat fiscal e-receipts"),
    p(49, MP, Y, "小程序云开发管理", "Cloud development"),
    p(51, MP, Y, "小程序即时配送", "Instant delivery"),
    p(52, MP, N, "小程序直播管理", "Live streaming"),
    p(57, MP, U, "页面推送权限", "Page push"),
    p(61, MP, U, "（未命名，基本信息与类目接口）", "(unnamed; basic information and categories)"),
    p(65, MP, N, "小程序广告管理", "Advertising management"),
    p(67, MP, N, "微信服务市场管理", "WeChat service market"),
    p(70, MP, N, "标准版交易组件商品管理", "Standard trading component: products"),
    p(71, MP, N, "标准版交易组件订单物流与售后管理", "Standard trading component: orders, logistics and after-sales"),
    p(73, MP, Y, "标准版交易组件接入", "Standard trading component onboarding"),
    p(76, MP, Y, "小程序违规与交易投诉管理", "Violations and trade complaints"),
    p(81, MP, Y, "试用小程序快速认证", "Trial mini-program fast verification"),
    p(84, MP, N, "标准版交易组件优惠券管理", "Standard trading component: coupons"),
    p(85, MP, U, "自定义版交易组件管理", "Custom trading component"),
    p(86, MP, U, "小商店装修", "Mini store decoration"),
    p(88, MP, U, "获取小程序链接", "Mini-program links"),
    p(93, MP, U, "小程序联盟", "Mini-program alliance"),
    p(99, MP, U, "云开发短信服务", "Cloud development SMS"),
    p(102, MP, U, "云开发微信支付", "Cloud development WeChat Pay"),
    p(104, MP, U, "标准版组件资金链路", "Standard component fund flow"),
    p(105, MP, U, "城市服务", "City services"),
    p(107, MP, U, "连接器电商场景接入", "Connector e-commerce onboarding"),
    p(112, MP, U, "红包封面管理", "Red-packet covers"),
    p(116, MP, U, "获取自定义版交易组件数据", "Custom trading component data"),
    p(117, MP, U, "小程序图像处理", "Image processing"),
    p(118, MP, U, "硬件服务", "Hardware services"),
    p(119, MP, U, "小程序支付管理服务", "Payment management"),
    p(120, MP, U, "小程序购物订单", "Shopping orders"),
    p(129, MP, U, "视频号小店商品管理", "Channels store: products"),
    p(130, MP, U, "视频号小店物流管理", "Channels store: logistics"),
    p(131, MP, U, "视频号小店订单与售后管理", "Channels store: orders and after-sales"),
    p(132, MP, U, "视频号小店优惠券管理", "Channels store: coupons"),
    p(133, MP, U, "视频号商品橱窗管理", "Channels product showcase"),
    p(135, MP, U, "流量主代运营", "Ad-revenue operation on behalf"),
    p(138, MP, U, "视频号小店资金管理", "Channels store: funds"),
    p(139, MP, U, "小程序运费险", "Shipping insurance"),
    p(140, MP, U, "小程序推广员", "Promoters"),
    p(141, MP, U, "视频号小店优选联盟", "Channels store: preferred alliance"),
    p(142, MP, U, "小程序发货管理服务", "Shipping management"),
    p(144, MP, U, "微信学生身份验证", "WeChat student verification"),
    p(151, MP, U, "小程序交易保障", "Trade protection"),
    p(153, MP, U, "微短剧小程序资源管理", "Short-drama resources"),
    p(156, MP, U, "小程序备案服务", "ICP filing service"),
    p(157, MP, U, "小程序虚拟支付管理", "Virtual payments"),
    p(159, MP, U, "视频号电子面单管理", "Channels electronic waybills"),
    p(161, MP, U, "微信客服管理", "WeChat customer service"),
    p(185, MP, U, "小程序管理微信小店会员", "WeChat store membership"),
];

/// The permission set with this `funcscope_category.id`.
pub fn permission_set(id: u32) -> Option<&'static PermissionSet> {
    PERMISSION_SETS.iter().find(|set| set.id == id)
}

/// The sets the simulator's platform asks merchants for, by account kind (§3.1, §3.2): the simulator grants these and
/// refuses any other, and the console's simulated scan offers exactly these. They live here, in the one layer both
/// the simulator and the console read, because neither of those may import the other.
pub fn simulator_sets(kind: AccountKind) -> &'static [u32] {
    match kind {
        OA => &[1, 2, 3, 4, 7, 11, 15, 24, 27, 33, 89],
        MP => &[17, 18, 19, 25, 30, 31, 37, 40, 49, 52, 65, 81, 86, 88],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulator_offers_known_sets_of_the_right_kind() {
        for kind in [OA, MP] {
            let ids = simulator_sets(kind);
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted, each once: {ids:?}");
            for &id in ids {
                assert_eq!(permission_set(id).map(|set| set.kind), Some(kind), "set {id}");
            }
        }
    }

    #[test]
    fn ids_are_unique_and_named_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for set in PERMISSION_SETS {
            assert!(seen.insert(set.id), "duplicate set {}", set.id);
            assert!(!set.zh.is_empty() && !set.en.is_empty());
        }
    }

    #[test]
    fn doc_facts_hold() {
        let dev = permission_set(18).unwrap();
        assert_eq!((dev.kind, dev.exclusive), (AccountKind::MiniProgram, Some(true)));
        assert_eq!(permission_set(1).unwrap().exclusive, Some(false));
        assert_eq!(
            permission_set(27).unwrap().exclusive,
            None,
            "set 27 is a conflict in §3.1"
        );
        assert_eq!(permission_set(4).unwrap().kind, AccountKind::OfficialAccount);
        assert!(permission_set(0).is_none());
        for id in [129, 130, 131, 132, 133, 138, 139, 140, 141, 142, 185] {
            assert!(permission_set(id).is_some(), "set {id}");
        }
    }
}
