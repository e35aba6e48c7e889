"""Build and sign activities exactly as the Bot Connector sends them to `POST /api/messages`."""

from __future__ import annotations

import itertools
import json
import uuid
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fake_teams import ISSUER

APP_ID = "11111111-2222-4333-8444-555555555555"  # the botId in teams/manifest.json
TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = f"28:{APP_ID}"
IDEAS_CHANNEL = "19:ideas@thread.tacv2"
GENERAL_CHANNEL = "19:general@thread.tacv2"
_ids = itertools.count(1)


def new_key(kid: str) -> tuple[rsa.RSAPrivateKey, dict]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]}


KEY, JWK = new_key("test-key-1")
OTHER_KEY, OTHER_JWK = new_key("test-key-1")  # same kid, a key Teams never published
UNKNOWN_KEY, UNKNOWN_JWK = new_key("not-published")
JWKS = {"keys": [JWK]}


def aad(user: str) -> str:
    """Test people are U1, U2 … on Slack; on Teams, AAD object ids (GUIDs) derived from those names."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"herobot-test:{user}"))


class Teams:
    """Sends signed activities to the app under test (an aiohttp test client)."""

    def __init__(self, client, fake, cards):
        self.client = client
        self.fake = fake
        self.cards = cards

    def token(self, key=KEY, kid="test-key-1", **claims) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": APP_ID, "serviceUrl": self.fake.service_url, "nbf": now - 5,
                   "exp": now + 3600, **claims}
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})

    async def send(self, activity: dict, headers: dict | None = None, **token_args):
        headers = headers if headers is not None else {"Authorization": f"Bearer {self.token(**token_args)}"}
        return await self.client.post("/api/messages", json=activity, headers=headers)

    def activity(self, kind: str, user: str, conversation: str, conversation_type: str, **extra) -> dict:
        return {
            "type": kind, "id": f"1699{next(_ids):09d}", "timestamp": "2025-01-01T10:00:00.000Z",
            "serviceUrl": self.fake.service_url, "channelId": "msteams",
            "from": {"id": f"29:{user}", "name": f"Person {user}", "aadObjectId": aad(user)},
            "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": TENANT,
                             **({"isGroup": True} if conversation_type != "personal" else {})},
            "recipient": {"id": BOT_ID, "name": "herobot"},
            "channelData": {"tenant": {"id": TENANT},
                            **({"channel": {"id": conversation.split(";")[0]}} if conversation_type == "channel" else {})},
            **extra,
        }

    async def message(self, text: str, user: str = "U1", channel: str | None = GENERAL_CHANNEL,
                      mention: bool = True, thread: str | None = None, **send_args):
        """A message in a channel (a new post, or a reply in `thread`), or with channel=None in a personal chat."""
        if channel is None:
            conversation, kind = f"a:personal-29:{user}", "personal"
        else:
            kind = "channel"
            conversation = None
        activity = self.activity("message", user, "", kind, textFormat="plain")
        if channel is not None:
            conversation = f"{channel};messageid={thread or activity['id']}"
        activity["conversation"]["id"] = conversation
        if mention:
            activity["text"] = f"<at>herobot</at> {text}"
            activity["entities"] = [{"type": "mention", "text": "<at>herobot</at>",
                                     "mentioned": {"id": BOT_ID, "name": "herobot"}}]
        else:
            activity["text"] = text
        if thread:
            activity["replyToId"] = thread
        return await self.send(activity, **send_args)

    async def click(self, verb: str, data: dict, user: str = "U1", conversation: str | None = None,
                    message_id: str = "1"):
        """An Action.Execute on a card; returns (HTTP response, invoke response body)."""
        conversation = conversation or f"{IDEAS_CHANNEL};messageid={message_id}"
        activity = self.activity("invoke", user, conversation, "personal" if conversation.startswith("a:") else "channel",
                                 name="adaptiveCard/action", replyToId=message_id,
                                 value={"action": {"type": "Action.Execute", "verb": verb, "data": data},
                                        "trigger": "manual"})
        response = await self.send(activity)
        body = await response.json() if response.status == 200 else None
        if body and body.get("type") == "application/vnd.microsoft.card.adaptive":
            self.cards.add(body["value"])
        return response, body

    async def reaction(self, added: bool, message_id: str, user: str = "U2", kind: str = "like",
                       channel: str = IDEAS_CHANNEL, activity_id: str | None = None):
        key = "reactionsAdded" if added else "reactionsRemoved"
        activity = self.activity("messageReaction", user, f"{channel};messageid={message_id}", "channel",
                                 replyToId=message_id, **{key: [{"type": kind}]})
        if activity_id:
            activity["id"] = activity_id
        return await self.send(activity)

    async def installed(self, user: str = "U1"):
        """The app added to a personal chat (conversationUpdate with the bot among the members added)."""
        activity = self.activity("conversationUpdate", user, f"a:personal-29:{user}", "personal",
                                 membersAdded=[{"id": BOT_ID}])
        return await self.send(activity)
