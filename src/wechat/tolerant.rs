//! Lenient readers for fields whose JSON type differs between the doc and real answers (wechat-api.md §8.6, §8.7.2).
//!
//! Use with `#[serde(deserialize_with = "…")]`; every reader also accepts the strictly documented type.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A number written as a JSON number or as a string of digits.
struct Int;

impl<'de> Visitor<'de> for Int {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a string of digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(E::custom("not an integer"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("not an integer: {v:?}")))
    }
}

/// `1524553200` or `"1524553200"` (§8.7.2: WxJava types the times as strings).
pub fn i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(Int)
}

/// Like [`i64_lenient`], for ids that are never negative.
pub fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = d.deserialize_any(Int)?;
    u64::try_from(v).map_err(|_| de::Error::custom("negative id"))
}

/// An optional lenient integer; `null` and an empty string read as `None`.
pub fn opt_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct OptInt;
    impl<'de> Visitor<'de> for OptInt {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer, a string of digits or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Int.visit_i64(v).map(Some)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Int.visit_u64(v).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Int.visit_f64(v).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                Int.visit_str(v).map(Some)
            }
        }
    }
    d.deserialize_option(OptInt)
}

/// `true`, `"true"`, `1` or `"1"` (§8.6: the doc's example writes `is_wx_verify_succ` as a string).
pub fn bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Bool;
    impl<'de> Visitor<'de> for Bool {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a boolean, 0/1 or \"true\"/\"false\"")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" | "" => Ok(false),
                _ => Err(E::custom(format!("not a boolean: {v:?}"))),
            }
        }
    }
    d.deserialize_any(Bool)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::i64_lenient")]
        n: i64,
        #[serde(default, deserialize_with = "super::opt_i64_lenient")]
        o: Option<i64>,
        #[serde(deserialize_with = "super::bool_lenient")]
        b: bool,
    }

    #[test]
    fn numbers_and_booleans_read_from_either_type() {
        let a: T = serde_json::from_str(r#"{"n":"1524553200","o":"7","b":"true"}"#).unwrap();
        let b: T = serde_json::from_str(r#"{"n":1524553200,"o":7,"b":true}"#).unwrap();
        assert_eq!((a.n, a.o, a.b), (b.n, b.o, b.b));
        let c: T = serde_json::from_str(r#"{"n":-1,"b":"false"}"#).unwrap();
        assert_eq!((c.n, c.o, c.b), (-1, None, false));
        assert!(serde_json::from_str::<T>(r#"{"n":"x","b":true}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":1,"b":"maybe"}"#).is_err());
    }
}
