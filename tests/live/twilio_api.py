"""The live suite's own Twilio calls (set-up, out-of-band changes, checks), always through the guard proxy."""

from __future__ import annotations

from typing import Any

import httpx


class SuiteApi:
    """Twilio's Trunking v1 and 2010 APIs as the suite uses them, at ``base_url`` (the guard proxy)."""

    def __init__(self, base_url: str, account_sid: str, auth: tuple[str, str]) -> None:
        self.account_sid = account_sid
        self._http = httpx.Client(base_url=base_url, auth=auth, timeout=30, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, data: dict[str, str] | None = None) -> httpx.Response:
        """One request, answered as it comes (the assumption tests look at failures)."""
        return self._http.request(method, path, data=data)

    def _ok(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        response = self.request(method, path, data=data)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    # --- trunks --------------------------------------------------------------------------------------

    def create_trunk(self, friendly_name: str) -> str:
        sid: str = self._ok("POST", "/v1/Trunks", {"FriendlyName": friendly_name})["sid"]
        return sid

    def delete_trunk(self, trunk_sid: str) -> None:
        response = self.request("DELETE", f"/v1/Trunks/{trunk_sid}")
        assert response.status_code in (204, 404), f"DELETE trunk {trunk_sid}: {response.text}"

    def trunks(self) -> list[dict[str, Any]]:
        """Every trunk of the account (paged)."""
        return self._pages("/v1/Trunks", "trunks")

    def trunk_numbers(self, trunk_sid: str) -> list[str]:
        return [item["sid"] for item in self._pages(f"/v1/Trunks/{trunk_sid}/PhoneNumbers", "phone_numbers")]

    def _pages(self, path: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = self._ok("GET", f"{path}?PageSize=1000")
        while True:
            items += page[key]
            next_url = page["meta"].get("next_page_url")
            if not next_url:
                return items
            # Twilio's links name its own host: follow them through the proxy.
            parts = httpx.URL(next_url)
            page = self._ok("GET", f"{parts.path}?{parts.query.decode()}")

    # --- bindings ------------------------------------------------------------------------------------

    def bind(self, trunk_sid: str, number_sid: str) -> httpx.Response:
        return self.request(
            "POST", f"/v1/Trunks/{trunk_sid}/PhoneNumbers", data={"PhoneNumberSid": number_sid}
        )

    def unbind(self, trunk_sid: str, number_sid: str) -> httpx.Response:
        return self.request("DELETE", f"/v1/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")

    def binding(self, trunk_sid: str, number_sid: str) -> dict[str, Any] | None:
        """The trunk's PhoneNumber resource, or None when Twilio answers 404 (not bound to that trunk)."""
        response = self.request("GET", f"/v1/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    # --- the number ----------------------------------------------------------------------------------

    def number_path(self, number_sid: str) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/{number_sid}.json"

    def number(self, number_sid: str) -> dict[str, Any]:
        body: dict[str, Any] = self._ok("GET", self.number_path(number_sid))
        return body

    def update_number(self, number_sid: str, form: dict[str, str]) -> dict[str, Any]:
        body: dict[str, Any] = self._ok("POST", self.number_path(number_sid), form)
        return body
