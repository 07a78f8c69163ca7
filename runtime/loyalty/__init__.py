"""Loyalty for participants: tasks and badges (`tasks`, `badges`) and the points mall
(`exchange`, `history`, `refunds`, `stock`), with the figures reports read (`figures`)."""
