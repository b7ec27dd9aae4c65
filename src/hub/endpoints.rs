//! The endpoints the relay accepts: the paths of wechat-api.md's index, with the token each needs (§0.2).
//!
//! Temporary: the wire layer's `wechat::endpoint::lookup` replaces this table when it lands on main.

/// Which token the hub injects into a relayed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    None,
    Component,
    Authorizer,
}

#[derive(Debug, Clone, Copy)]
pub struct EndpointInfo {
    pub path: &'static str,
    pub token: TokenKind,
}

use TokenKind::{Authorizer as A, Component as C, None as N};

const ENDPOINTS: &[(&str, TokenKind)] = &[
    ("/cgi-bin/component/api_start_push_ticket", N),
    ("/cgi-bin/component/api_component_token", N),
    ("/cgi-bin/component/api_create_preauthcode", C),
    ("/cgi-bin/component/api_query_auth", C),
    ("/cgi-bin/component/api_authorizer_token", C),
    ("/cgi-bin/component/api_get_authorizer_info", C),
    ("/cgi-bin/component/api_get_authorizer_list", C),
    ("/cgi-bin/component/api_get_authorizer_option", C),
    ("/cgi-bin/component/api_set_authorizer_option", C),
    ("/cgi-bin/component/get_authorizer_option", A),
    ("/cgi-bin/component/set_authorizer_option", A),
    ("/cgi-bin/component/clear_quota", C),
    ("/cgi-bin/component/clear_quota/v2", N),
    ("/cgi-bin/openapi/quota/get", C),
    ("/cgi-bin/openapi/rid/get", C),
    ("/wxa/gettemplatedraftlist", C),
    ("/wxa/addtotemplate", C),
    ("/wxa/gettemplatelist", C),
    ("/wxa/deletetemplate", C),
    ("/wxa/commit", A),
    ("/wxa/get_page", A),
    ("/wxa/get_qrcode", A),
    ("/wxa/get_category", A),
    ("/wxa/submit_audit", A),
    ("/wxa/get_auditstatus", A),
    ("/wxa/get_latest_auditstatus", A),
    ("/wxa/undocodeaudit", A),
    ("/wxa/release", A),
    ("/wxa/revertcoderelease", A),
    ("/wxa/grayrelease", A),
    ("/wxa/getgrayreleaseplan", A),
    ("/wxa/revertgrayrelease", A),
    ("/wxa/change_visitstatus", A),
    ("/wxa/getvisitstatus", A),
    ("/wxa/speedupaudit", A),
    ("/wxa/queryquota", A),
    ("/wxa/security/get_code_privacy_info", A),
    ("/wxa/getversioninfo", A),
    ("/wxa/uploadmedia", A),
    ("/cgi-bin/material/get_material", A),
    ("/wxa/bind_tester", A),
    ("/wxa/unbind_tester", A),
    ("/wxa/memberauth", A),
    ("/wxa/modify_domain", A),
    ("/wxa/setwebviewdomain", A),
    ("/wxa/get_webviewdomain_confirmfile", A),
    ("/cgi-bin/component/modify_wxa_server_domain", C),
    ("/cgi-bin/component/modify_wxa_jump_domain", C),
    ("/cgi-bin/component/get_domain_confirmfile", C),
    ("/cgi-bin/component/fastregisterweapp", C),
    ("/wxa/component/fastregisterenterpriseweapp", C),
    ("/wxa/component/fastregisterpersonalweapp", C),
    ("/wxa/component/fastregisterbetaweapp", C),
    ("/wxa/verifybetaweapp", A),
    ("/wxa/setbetaweappnickname", A),
    ("/cgi-bin/account/fastregister", A),
    ("/wxa/setnickname", A),
    ("/wxa/api_wxa_querynickname", A),
    ("/cgi-bin/wxverify/checkwxverifynickname", A),
    ("/cgi-bin/account/modifyheadimage", A),
    ("/cgi-bin/account/modifysignature", A),
    ("/cgi-bin/account/getaccountbasicinfo", A),
    ("/cgi-bin/wxopen/getallcategories", A),
    ("/cgi-bin/wxopen/getcategory", A),
    ("/cgi-bin/wxopen/getcategoriesbytype", A),
    ("/cgi-bin/wxopen/addcategory", A),
    ("/cgi-bin/wxopen/deletecategory", A),
    ("/cgi-bin/wxopen/modifycategory", A),
    ("/cgi-bin/account/componentrebindadmin", A),
];

/// The endpoint at `path` (no host, no query), if wechat-api.md documents it.
pub fn lookup(path: &str) -> Option<EndpointInfo> {
    ENDPOINTS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|&(path, token)| EndpointInfo { path, token })
}
