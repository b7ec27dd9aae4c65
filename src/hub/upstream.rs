//! The hub's view of the platform: the component calls it makes itself, plus raw relay, over `wechat::Client`.
//!
//! Everything the hub needs from WeChat passes through this one type, so the token owner, the relay and the sync
//! never see HTTP details; the wire layer's errors never carry a URL, so a token never reaches a message.

use crate::wechat::api::component::{
    AuthorizerListRequest, AuthorizerRequest, AuthorizerTokenRequest, ComponentAppIdRequest, ComponentToken,
    ComponentTokenRequest, CreatePreAuthCode, GetAuthorizerInfo, GetAuthorizerList, QueryAuth, QueryAuthRequest,
    StartPushTicket, StartPushTicketRequest,
};
use crate::wechat::ids::{AuthorizerAppId, ComponentAppId, Secret};
use crate::wechat::{Client, Endpoint, EndpointInfo, Hosts, RawResponse, WxError};

/// Every failure of a platform call: the wire layer's own error type.
pub type UpstreamError = WxError;

/// What `api_query_auth` returned (§1.4), with plain strings for the hub's own use and `Secret`s for its tokens.
#[derive(Debug, Clone)]
pub struct AuthorizationInfo {
    pub authorizer_appid: String,
    pub authorizer_access_token: Option<Secret>,
    pub expires_in: Option<i64>,
    pub authorizer_refresh_token: Option<Secret>,
    pub func_ids: Vec<i64>,
}

/// What `api_authorizer_token` returned (§1.5).
#[derive(Debug, Clone)]
pub struct AuthorizerToken {
    pub authorizer_access_token: Secret,
    pub expires_in: i64,
    pub authorizer_refresh_token: Option<Secret>,
}

/// The fields of `api_get_authorizer_info` the hub keeps (§1.6).
#[derive(Debug, Clone, Default)]
pub struct AuthorizerInfo {
    pub nick_name: Option<String>,
    pub head_img: Option<String>,
    pub service_type: Option<i64>,
    pub verify_type: Option<i64>,
    pub user_name: Option<String>,
    pub principal_name: Option<String>,
    pub is_mini_program: bool,
    pub func_ids: Vec<i64>,
}

/// One page of `api_get_authorizer_list` (§1.7).
#[derive(Debug, Clone)]
pub struct AuthorizerList {
    pub total_count: i64,
    pub list: Vec<AuthorizerListItem>,
}

#[derive(Debug, Clone)]
pub struct AuthorizerListItem {
    pub authorizer_appid: String,
    pub refresh_token: Option<Secret>,
    pub auth_time: Option<i64>,
}

pub struct Upstream {
    client: Client,
    component_appid: ComponentAppId,
    component_appsecret: Secret,
}

fn non_empty(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

/// A token the platform may send as `""` when it has none to give.
fn non_empty_secret(value: Secret) -> Option<Secret> {
    Some(value).filter(|v| !v.is_empty())
}

impl Upstream {
    pub fn new(hosts: Hosts, component_appid: &str, component_appsecret: Secret) -> Result<Self, UpstreamError> {
        Ok(Self {
            client: Client::new(hosts)?,
            component_appid: ComponentAppId::from_wire(component_appid),
            component_appsecret,
        })
    }

    fn appid_request(&self) -> ComponentAppIdRequest {
        ComponentAppIdRequest {
            component_appid: self.component_appid.clone(),
        }
    }

    /// `api_component_token` (§1.2): no token in the query; the ticket and the secret in the body.
    pub async fn component_token(&self, ticket: &str) -> Result<(Secret, i64), UpstreamError> {
        let request = ComponentTokenRequest {
            component_appid: self.component_appid.clone(),
            component_appsecret: self.component_appsecret.clone(),
            component_verify_ticket: ticket.to_owned(),
        };
        let answer = self.client.execute::<ComponentToken>(None, &[], &request).await?;
        Ok((answer.component_access_token, answer.expires_in))
    }

    /// `api_start_push_ticket` (§1.1): the platform pushes a ticket to the authorization-event URL now.
    pub async fn start_push_ticket(&self) -> Result<(), UpstreamError> {
        let request = StartPushTicketRequest {
            component_appid: self.component_appid.clone(),
            component_secret: self.component_appsecret.clone(),
        };
        self.client.execute::<StartPushTicket>(None, &[], &request).await?;
        Ok(())
    }

    /// `api_create_preauthcode` (§1.3).
    pub async fn create_preauthcode(&self, component_token: &str) -> Result<(String, i64), UpstreamError> {
        let answer = self
            .client
            .execute::<CreatePreAuthCode>(Some(component_token), &[], &self.appid_request())
            .await?;
        Ok((answer.pre_auth_code, answer.expires_in))
    }

    /// `api_query_auth` (§1.4).
    pub async fn query_auth(&self, component_token: &str, code: &str) -> Result<AuthorizationInfo, UpstreamError> {
        let request = QueryAuthRequest {
            component_appid: self.component_appid.clone(),
            authorization_code: code.to_owned(),
        };
        let info = self
            .client
            .execute::<QueryAuth>(Some(component_token), &[], &request)
            .await?
            .authorization_info;
        Ok(AuthorizationInfo {
            authorizer_appid: info.authorizer_appid.as_str().to_owned(),
            authorizer_access_token: info.authorizer_access_token.and_then(non_empty_secret),
            expires_in: info.expires_in,
            authorizer_refresh_token: info.authorizer_refresh_token.and_then(non_empty_secret),
            func_ids: info.func_info.iter().map(|f| f.funcscope_category.id).collect(),
        })
    }

    /// `api_authorizer_token` (§1.5).
    pub async fn authorizer_token(
        &self,
        component_token: &str,
        appid: &str,
        refresh_token: &str,
    ) -> Result<AuthorizerToken, UpstreamError> {
        let request = AuthorizerTokenRequest {
            component_appid: self.component_appid.clone(),
            authorizer_appid: AuthorizerAppId::from_wire(appid),
            authorizer_refresh_token: Secret::new(refresh_token),
        };
        let answer = self
            .client
            .execute::<crate::wechat::api::component::AuthorizerToken>(Some(component_token), &[], &request)
            .await?;
        Ok(AuthorizerToken {
            authorizer_access_token: answer.authorizer_access_token,
            expires_in: answer.expires_in,
            authorizer_refresh_token: answer.authorizer_refresh_token.and_then(non_empty_secret),
        })
    }

    /// `api_get_authorizer_info` (§1.6).
    pub async fn authorizer_info(&self, component_token: &str, appid: &str) -> Result<AuthorizerInfo, UpstreamError> {
        let request = AuthorizerRequest {
            component_appid: self.component_appid.clone(),
            authorizer_appid: AuthorizerAppId::from_wire(appid),
        };
        let answer = self
            .client
            .execute::<GetAuthorizerInfo>(Some(component_token), &[], &request)
            .await?;
        let info = answer.authorizer_info;
        Ok(AuthorizerInfo {
            is_mini_program: info.is_mini_program(),
            nick_name: non_empty(info.nick_name),
            head_img: non_empty(info.head_img),
            service_type: Some(info.service_type_info.id),
            verify_type: Some(info.verify_type_info.id),
            user_name: non_empty(info.user_name),
            principal_name: non_empty(info.principal_name),
            func_ids: answer
                .authorization_info
                .func_info
                .iter()
                .map(|f| f.funcscope_category.id)
                .collect(),
        })
    }

    /// `api_get_authorizer_list` (§1.7); `count` at most 500.
    pub async fn authorizer_list(
        &self,
        component_token: &str,
        offset: i64,
        count: i64,
    ) -> Result<AuthorizerList, UpstreamError> {
        let request = AuthorizerListRequest {
            component_appid: self.component_appid.clone(),
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            count: u32::try_from(count).unwrap_or(500),
        };
        let answer = self
            .client
            .execute::<GetAuthorizerList>(Some(component_token), &[], &request)
            .await?;
        Ok(AuthorizerList {
            total_count: i64::try_from(answer.total_count).unwrap_or(i64::MAX),
            list: answer
                .list
                .into_iter()
                .map(|item| AuthorizerListItem {
                    authorizer_appid: item.authorizer_appid.as_str().to_owned(),
                    refresh_token: non_empty_secret(item.refresh_token),
                    auth_time: Some(item.auth_time),
                })
                .collect(),
        })
    }

    /// Any typed endpoint with `token` (an authorizer's or the component's, as the endpoint takes), for the jobs.
    pub async fn call<E: Endpoint>(&self, token: &str, request: &E::Request) -> Result<E::Response, UpstreamError> {
        self.client.execute::<E>(Some(token), &[], request).await
    }

    /// Any endpoint of wechat-api.md, answered as bytes; the token goes where the endpoint says (§0.2).
    /// A multipart upload (`Client::upload`); a write, sent once.
    pub async fn upload(
        &self,
        endpoint: &EndpointInfo,
        token: &str,
        query: &[(String, String)],
        file: &crate::wechat::client::Upload,
    ) -> Result<RawResponse, UpstreamError> {
        self.client.upload(endpoint, token, query, file).await
    }

    pub async fn execute_raw(
        &self,
        endpoint: &EndpointInfo,
        token: Option<&str>,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, UpstreamError> {
        self.client.execute_raw(endpoint, token, query, body).await
    }
}
