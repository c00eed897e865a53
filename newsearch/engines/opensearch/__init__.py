"""The cluster engine: an index on OpenSearch, the only code that imports opensearch-py."""

from newsearch.engines.opensearch.engine import OpenSearchEngine

__all__ = ["OpenSearchEngine"]
