"""Guards on what Pioneer writes and reads for people's office software: formula injection in the cells it
writes (:mod:`pioneer.guard.cells`) and bounded reading of the workbooks it is given (:mod:`pioneer.guard.excel`).
Imports nothing of Pioneer's but :mod:`pioneer.errors`, so every layer may use it."""
