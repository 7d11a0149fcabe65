"""Guards on what Pioneer writes and reads for people's office software: formula injection in the cells it
writes (:mod:`pioneer.guard.cells`), bounded reading of the workbooks it is given (:mod:`pioneer.guard.excel`),
safe upload names (:mod:`pioneer.guard.files`) and the shapes of codes (:mod:`pioneer.guard.codes`).
Imports nothing of Pioneer's but :mod:`pioneer.errors`, so every layer may use it."""
