"""Theo dõi Phong trào "Toàn dân đoàn kết xây dựng đời sống văn hóa" — Văn phòng UBND tỉnh Sơn La."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"
QUERIES_DIR = ROOT / "queries"
