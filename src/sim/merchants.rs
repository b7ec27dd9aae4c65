//! Seeded merchant accounts: mini programs and official accounts generated from their index, stored compactly.
//!
//! 100,000 merchants must fit in well under 300 MB, so nothing but the appid → index map is stored; names,
//! principals and original ids are derived from (seed, index) whenever they are needed.

use std::collections::HashMap;

/// The two account kinds a merchant can authorize (wechat-api.md §2.3 `auth_type` 1 and 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Miniprogram,
    OfficialAccount,
}

impl Kind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Miniprogram => "小程序",
            Kind::OfficialAccount => "公众号",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Miniprogram => "mini program",
            Kind::OfficialAccount => "official account",
        }
    }
}

/// Everything the platform says about one account, built on demand.
#[derive(Debug, Clone)]
pub struct Profile {
    pub appid: String,
    pub kind: Kind,
    pub nick_name: String,
    pub principal_name: String,
    pub user_name: String,
    /// §1.6 `register_type`: 0 ordinary, 6 fast registration, 13 trial, 16 personal.
    pub register_type: u32,
    /// §1.6 `service_type_info.id`: 12 for a trial mini program, 2 for a service account.
    pub service_type: i32,
    /// §1.6 `verify_type_info.id`: -1 unverified, 0 WeChat verified.
    pub verify_type: i32,
}

/// An account created by a registration task (§8); it joins the index space after the seeded ones.
#[derive(Debug, Clone)]
pub struct Registered {
    pub bits: u64,
    pub kind: Kind,
    pub nick_name: String,
    pub principal_name: String,
    pub register_type: u32,
    pub service_type: i32,
    /// A fixed original id (the 全网发布 test accounts, §14.2); derived from `bits` otherwise.
    pub user_name: Option<String>,
}

#[derive(Debug)]
pub struct Merchants {
    seed: u64,
    seeded: u32,
    registered: Vec<Registered>,
    by_bits: HashMap<u64, u32>,
}

const CITIES: &[&str] = &[
    "杭州", "上海", "北京", "深圳", "广州", "成都", "南京", "苏州", "武汉", "西安", "重庆", "长沙", "厦门", "青岛",
    "宁波", "合肥", "昆明", "天津", "郑州", "福州",
];
const SYLLABLES: &[&str] = &[
    "味", "知", "鲜", "禾", "悦", "米", "香", "云", "小", "南", "北", "茶", "乐", "果", "新", "品", "优", "佳", "家",
    "喜", "田", "源", "森", "蓝", "青", "朵", "语", "晨", "星", "月", "盛", "和",
];
/// (industry of the company, what its mini program does, what its official account is called)
const TRADES: &[(&str, &str, &str)] = &[
    ("餐饮管理", "点餐", "美食"),
    ("商贸", "商城", "优选"),
    ("科技", "工具箱", "科技"),
    ("教育咨询", "课堂", "学堂"),
    ("健身服务", "约课", "运动"),
    ("美容美发", "预约", "丽人"),
    ("文化传媒", "资讯", "文化"),
    ("酒店管理", "订房", "旅居"),
    ("农业发展", "鲜果", "农场"),
    ("物业服务", "社区", "生活"),
    ("医药连锁", "药房", "健康"),
    ("汽车服务", "养车", "车友"),
];

/// splitmix64's finaliser: a bijection on u64, so distinct indexes give distinct appids.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

pub fn appid_of(bits: u64) -> String {
    format!("wx{bits:016x}")
}

/// The 64 bits behind an appid `wx` + 16 hex digits, if it has that shape.
pub fn bits_of(appid: &str) -> Option<u64> {
    let hex = appid.strip_prefix("wx")?;
    if hex.len() != 16 {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

fn user_name_of(bits: u64) -> String {
    format!("gh_{:012x}", mix(bits ^ 0x6768) & 0xffff_ffff_ffff)
}

impl Merchants {
    pub fn new(seed: u64, count: usize) -> Self {
        let seeded = u32::try_from(count).unwrap_or(u32::MAX);
        let mut by_bits = HashMap::with_capacity(count);
        let mut merchants = Self {
            seed,
            seeded,
            registered: Vec::new(),
            by_bits: HashMap::new(),
        };
        for index in 0..seeded {
            by_bits.insert(merchants.seeded_bits(index), index);
        }
        merchants.by_bits = by_bits;
        merchants
    }

    /// Seeded plus registered accounts; indexes run from 0 to this.
    pub fn count(&self) -> u32 {
        self.seeded + self.registered.len() as u32
    }

    fn seeded_bits(&self, index: u32) -> u64 {
        mix(self.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(index))
    }

    fn bits(&self, index: u32) -> u64 {
        match index.checked_sub(self.seeded) {
            None => self.seeded_bits(index),
            Some(extra) => self.registered.get(extra as usize).map_or(0, |r| r.bits),
        }
    }

    pub fn index_of(&self, appid: &str) -> Option<u32> {
        self.by_bits.get(&bits_of(appid)?).copied()
    }

    pub fn appid(&self, index: u32) -> String {
        appid_of(self.bits(index))
    }

    pub fn kind(&self, index: u32) -> Kind {
        match index.checked_sub(self.seeded) {
            Some(extra) => self
                .registered
                .get(extra as usize)
                .map_or(Kind::Miniprogram, |r| r.kind),
            // Seven in ten merchants are mini programs: the console is mostly about code deployment.
            None if mix(self.seeded_bits(index)) % 10 < 7 => Kind::Miniprogram,
            None => Kind::OfficialAccount,
        }
    }

    /// Adds a newly registered account (§8) and returns its index.
    pub fn register(&mut self, kind: Kind, nick_name: String, principal_name: String, register_type: u32) -> u32 {
        let index = self.count();
        let mut bits = mix(self.seed ^ 0x7265_6769_7374_6572 ^ u64::from(index));
        while self.by_bits.contains_key(&bits) {
            bits = mix(bits);
        }
        let service_type = if register_type == 13 { 12 } else { 0 };
        self.registered.push(Registered {
            bits,
            kind,
            nick_name,
            principal_name,
            register_type,
            service_type,
            user_name: None,
        });
        self.by_bits.insert(bits, index);
        index
    }

    /// Adds an account with a fixed appid and original id (the 全网发布 test accounts of §14.2, which exist on every
    /// platform); returns its index, or `None` when the appid is not `wx` + 16 hex digits or already taken.
    pub fn add_fixed(&mut self, appid: &str, user_name: &str, kind: Kind, nick_name: String) -> Option<u32> {
        let bits = bits_of(appid).filter(|bits| !self.by_bits.contains_key(bits))?;
        let index = self.count();
        self.registered.push(Registered {
            bits,
            kind,
            nick_name,
            principal_name: "深圳市腾讯计算机系统有限公司".to_owned(),
            register_type: 0,
            service_type: 0,
            user_name: Some(user_name.to_owned()),
        });
        self.by_bits.insert(bits, index);
        Some(index)
    }

    /// Whether the account is one of the fixed ones (`add_fixed`).
    pub fn is_fixed(&self, index: u32) -> bool {
        index
            .checked_sub(self.seeded)
            .and_then(|i| self.registered.get(i as usize))
            .is_some_and(|r| r.user_name.is_some())
    }

    /// The seeded accounts: indexes 0 to this.
    pub fn seeded_count(&self) -> u32 {
        self.seeded
    }

    /// Whether the account was created by a registration task rather than seeded.
    pub fn is_registered(&self, index: u32) -> bool {
        index
            .checked_sub(self.seeded)
            .is_some_and(|i| (i as usize) < self.registered.len())
            && !self.is_fixed(index)
    }

    /// A trial mini program converted to a formal one (§8.5, §1.6 `register_type` 19).
    pub fn make_formal(&mut self, index: u32) {
        if let Some(extra) = index
            .checked_sub(self.seeded)
            .and_then(|i| self.registered.get_mut(i as usize))
        {
            extra.service_type = 0;
            extra.register_type = 19;
        }
    }

    pub fn profile(&self, index: u32) -> Profile {
        let bits = self.bits(index);
        let kind = self.kind(index);
        if let Some(extra) = index
            .checked_sub(self.seeded)
            .and_then(|i| self.registered.get(i as usize))
        {
            return Profile {
                appid: appid_of(bits),
                kind,
                nick_name: extra.nick_name.clone(),
                principal_name: extra.principal_name.clone(),
                user_name: extra.user_name.clone().unwrap_or_else(|| user_name_of(bits)),
                register_type: extra.register_type,
                service_type: extra.service_type,
                verify_type: -1,
            };
        }
        let (brand, city, trade) = self.parts(bits);
        let (industry, mp_suffix, oa_suffix) = TRADES[trade];
        let nick_name = match kind {
            Kind::Miniprogram => format!("「{brand}」{mp_suffix}"),
            Kind::OfficialAccount => format!("{brand}{oa_suffix}"),
        };
        let principal_name = format!("{}{brand}{industry}有限公司", CITIES[city]);
        let service_type = if kind == Kind::OfficialAccount && mix(bits ^ 7).is_multiple_of(3) {
            2
        } else {
            0
        };
        let verify_type = if mix(bits ^ 9).is_multiple_of(4) { -1 } else { 0 };
        Profile {
            appid: appid_of(bits),
            kind,
            nick_name,
            principal_name,
            user_name: user_name_of(bits),
            register_type: 0,
            service_type,
            verify_type,
        }
    }

    /// A two- or three-character brand, a city and a trade, all picked from the appid's bits.
    fn parts(&self, bits: u64) -> (String, usize, usize) {
        let h = mix(bits ^ self.seed);
        let n = SYLLABLES.len() as u64;
        let len = 2 + (h >> 60) as usize % 2;
        let brand: String = (0..len).map(|i| SYLLABLES[((h >> (i * 6)) % n) as usize]).collect();
        let city = ((h >> 24) % CITIES.len() as u64) as usize;
        let trade = ((h >> 32) % TRADES.len() as u64) as usize;
        (brand, city, trade)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appids_are_distinct_and_found_again() {
        let merchants = Merchants::new(7, 5000);
        let mut seen = std::collections::HashSet::new();
        for index in 0..5000 {
            let appid = merchants.appid(index);
            assert_eq!(appid.len(), 18);
            assert!(seen.insert(appid.clone()));
            assert_eq!(merchants.index_of(&appid), Some(index));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_names() {
        let a = Merchants::new(3, 10).profile(4);
        let b = Merchants::new(3, 10).profile(4);
        assert_eq!(
            (a.appid, a.nick_name, a.principal_name),
            (b.appid, b.nick_name, b.principal_name)
        );
        assert!(b.user_name.starts_with("gh_") && b.user_name.len() == 15);
    }

    #[test]
    fn registered_accounts_join_the_index() {
        let mut merchants = Merchants::new(1, 3);
        let index = merchants.register(Kind::Miniprogram, "新店".into(), "个人".into(), 16);
        assert_eq!(index, 3);
        let appid = merchants.appid(index);
        assert_eq!(merchants.index_of(&appid), Some(3));
        assert_eq!(merchants.profile(3).nick_name, "新店");
    }
}
