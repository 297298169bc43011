// Spell-checker core: see issue 3.
