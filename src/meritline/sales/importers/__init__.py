"""Sales imports (PLT-7): files of deals, collections, refunds, leads and customers.

The file formats are read by the shared adapters of ``meritline.org.importers``
(``csv_source``: UTF-8 or GB18030 text; ``xlsx_source``: the first worksheet, formula
cells by their saved results). Here: ``columns`` (header matching and cell parsers),
``records`` (the columns and row builder of each kind) and ``run`` (parse, check and
write one table through the kind's bulk service, and report)."""
