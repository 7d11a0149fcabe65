"""Ecological protection and security registers: drinking-water sources, hazardous waste, tailings ponds and
heavy-metal enterprises, with the indicators computed from them (see ``docs/registers.md``)."""
