"""Looking records up by id with a gather instead of a join.

Record ids (deals) come from a database sequence: over one period's inputs they are
dense enough to index an array by ``id - lowest``. Looking 5 M ids up that way is two
gathers (~0.1 s) where a hash join takes over a second; when the ids are too sparse for
the array to be small, the lookup falls back to a join with the same result.
"""

from __future__ import annotations

import polars as pl

ROW = pl.UInt32()
SPARSE = 4  # the array may be this many times longer than the keys (plus a constant)
SLACK = 1 << 20


class DenseIndex:
    """``values`` by unique integer ``keys``; :meth:`get` answers null for a missing key."""

    def __init__(self, keys: pl.Series, values: pl.Series) -> None:
        self.keys, self.values = keys, values
        self.low = 0
        self.table: pl.Series | None = None
        present = keys.drop_nulls()
        if present.len() == 0:
            return
        low, high = int(present.min()), int(present.max())  # type: ignore[arg-type]
        span = high - low + 1
        if span > SPARSE * present.len() + SLACK:
            return
        self.low = low
        frame = pl.DataFrame({"k": keys, "v": values}).drop_nulls("k")
        table = pl.repeat(None, span, dtype=values.dtype, eager=True)
        self.table = table.scatter(frame["k"] - low, frame["v"])
        self.keys, self.values = keys.clear(), values.clear()  # only the table is needed

    def get(self, query: pl.Series) -> pl.Series:
        """The value of each key in ``query`` (null where there is none), in its order."""
        if self.table is None:
            if self.keys.len() == 0:
                return pl.repeat(None, query.len(), dtype=self.values.dtype, eager=True)
            table = pl.DataFrame({"k": self.keys, "v": self.values})
            found = pl.DataFrame({"k": query}).join(
                table, on="k", how="left", maintain_order="left"
            )
            return found["v"]
        span = self.table.len()
        offset = pl.col("k").cast(pl.Int64) - self.low
        inside = (offset >= 0) & (offset < span)
        index = pl.when(inside).then(offset)
        positions = pl.DataFrame({"k": query}).select(index.alias("i")).to_series()
        return self.table.gather(positions)
