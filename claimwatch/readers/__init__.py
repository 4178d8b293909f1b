"""The file-reading layer: inputs on disk to cleaned :class:`~claimwatch.model.Article` records.

- :mod:`.files`: paths, folders, plain text with a header, JSONL (``read_paths``, ``count_items``)
- :mod:`.html`: a web page's main text and metadata (trafilatura)
- :mod:`.telegram`: Telegram channel exports (three layouts) to posts; :mod:`.tgtext` a message's visible text
  (entity lists, Telethon markdown), :mod:`.tgfurniture` its furniture lines and headline, :mod:`.tgchannels`
  channel usernames
- :mod:`.decode`: bytes to text, refusing what is not text
- :mod:`.pubtime`: publication-time strings to UTC instants

Reading never touches the pipeline or the store; the batch loop that does is :mod:`claimwatch.ingest`.
"""

from .files import ItemFailure, count_items, read_paths

__all__ = ["ItemFailure", "count_items", "read_paths"]
