"""Pioneer — 美丽中国先行区建设管理与评估平台 (Beautiful China pioneer-zone platform)."""

__version__ = "0.1.0"
