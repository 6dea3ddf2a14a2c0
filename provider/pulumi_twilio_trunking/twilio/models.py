"""Pydantic models of the Twilio resources the client reads, after the official OpenAPI schemas."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class _TwilioResource(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_string_is_absent(cls, value: Any) -> Any:
        # Twilio returns "" for several unset fields where the schema says null.
        return None if value == "" else value


class TrunkPhoneNumber(_TwilioResource):
    """``trunking.v1.trunk.phone_number``: a phone number as seen through a trunk (26 properties)."""

    account_sid: str | None = None
    address_requirements: str | None = None
    api_version: str | None = None
    beta: bool | None = None
    capabilities: dict[str, bool] | None = None
    date_created: str | None = None
    date_updated: str | None = None
    friendly_name: str | None = None
    links: dict[str, str] | None = None
    phone_number: str | None = None
    sid: str | None = None
    sms_application_sid: str | None = None
    sms_fallback_method: str | None = None
    sms_fallback_url: str | None = None
    sms_method: str | None = None
    sms_url: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None
    trunk_sid: str | None = None
    url: str | None = None
    voice_application_sid: str | None = None
    voice_caller_id_lookup: bool | None = None
    voice_fallback_method: str | None = None
    voice_fallback_url: str | None = None
    voice_method: str | None = None
    voice_url: str | None = None


class IncomingPhoneNumber(_TwilioResource):
    """The fields of ``api.v2010.account.incoming_phone_number`` that binding decisions use."""

    sid: str
    phone_number: str | None = None
    friendly_name: str | None = None
    account_sid: str | None = None
    trunk_sid: str | None = None
    voice_application_sid: str | None = None
    voice_url: str | None = None


class Trunk(_TwilioResource):
    """The fields of ``trunking.v1.trunk`` that the provider reports."""

    sid: str
    account_sid: str | None = None
    friendly_name: str | None = None
    domain_name: str | None = None
