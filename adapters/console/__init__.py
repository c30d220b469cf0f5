"""The local console channel: qotd with no Discord or Slack account."""
