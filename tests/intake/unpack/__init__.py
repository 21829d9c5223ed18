"""Tests of the safe streaming unpacker."""
