"""Slack's documented limits that qotd's messages and views must respect.

slack_sdk.models checks many of these when a block is serialised; the renderers split and
trim to them so nothing a member wrote makes Slack reject a message.
"""

from __future__ import annotations

MESSAGE_BLOCKS = 50  # blocks per message
VIEW_BLOCKS = 100  # blocks per modal or Home tab
SECTION_TEXT = 3000  # characters in a section's text
HEADER_TEXT = 150  # characters in a header block
ACTION_ID = 255
BUTTON_TEXT = 75
ACTIONS_ELEMENTS = 25  # elements per actions block
MODAL_TITLE = 24
MODAL_BUTTON = 24  # submit / close
PRIVATE_METADATA = 3000
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length
INPUT_LABEL = 2000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
SELECT_OPTIONS = 100
