"""Write the Eurostat fixtures beside this file from the figures shipped in rules/data/.

    python tests/data/eurostat/make_fixtures.py

Synthesised, not recorded: this machine cannot reach Eurostat. Each file is a response in the
format the client library (sdmx1) gets for the request `ammr data update` makes: SDMX-ML 2.1
GenericData for `data/<flow>/<key>?startPeriod=...` (the API's default format) and an SDMX-ML 2.1
Structure message for `dataflow/ESTAT/<flow>/latest?references=none`. The figures and flags are
the shipped ones (the population rows come from a genuine Eurostat bulk TSV, see
rules/data/README.md); the message ids, preparation times and UPDATE_DATA dates are invented.
"""

import csv
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "rules" / "data"
REGULATION = HERE.parents[2] / "rules" / "regulation.rules"

# the flags of the shipped population rows, as tabulated in rules/data/README.md
FLAGS = {("DE", "2023"): "b", ("FR", "2023"): "p", ("FR", "2024"): "p", ("FR", "2025"): "p",
         ("PL", "2023"): "ep", ("RO", "2023"): "e", ("RO", "2024"): "e", ("RO", "2025"): "e"}
# (flow, dimensions before geo with their values, first year, last year, CSV, invented UPDATE_DATA)
FLOWS = {
    "demo_pjan": ((("freq", "A"), ("unit", "NR"), ("age", "TOTAL"), ("sex", "T")), 2023, 2025,
                  "eurostat-population.csv", "2025-09-30T23:00:00+0200", "Population on 1 January by age and sex"),
    "nama_10_gdp": ((("freq", "A"), ("unit", "CP_MEUR"), ("na_item", "B1GQ")), 2023, 2024,
                    "eurostat-gdp.csv", "2025-10-21T23:00:00+0200", "Gross domestic product (GDP) and main components (output, expenditure and income)"),
}
NS = ('xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
      'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" '
      'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
      'xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def participating() -> list[str]:
    text = REGULATION.read_text(encoding="utf-8")
    return re.findall(r'^member state ([A-Z]{2}) "[^"]*" participates', text, flags=re.MULTILINE)


def shipped(csv_name: str) -> dict[tuple[str, str], str]:
    with (DATA / csv_name).open(newline="", encoding="utf-8") as handle:
        return {(row["geo"], row["year"]): row["value"] for row in csv.DictReader(handle)}


def header(flow: str, kind: str) -> str:
    return (f"<message:Header><message:ID>{kind}_{flow.upper()}_FIXTURE</message:ID><message:Test>false</message:Test>"
            "<message:Prepared>2026-12-03T10:00:00+01:00</message:Prepared><message:Sender id=\"ESTAT\"/>")


def data_message(flow: str, geos: list[str], leave_out: str | None = None) -> str:
    dims, first, last, csv_name, _, _ = FLOWS[flow]
    figures = shipped(csv_name)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<message:GenericData {NS}>",
             header(flow, "DATA") + f'<message:Structure structureID="ESTAT_{flow.upper()}_1_0" dimensionAtObservation="TIME_PERIOD">'
             f'<common:StructureUsage><Ref agencyID="ESTAT" id="{flow.upper()}" version="1.0"/></common:StructureUsage>'
             "</message:Structure></message:Header>",
             f'<message:DataSet structureRef="ESTAT_{flow.upper()}_1_0">']
    for geo in geos:
        if geo == leave_out:
            continue
        lines.append("<generic:Series><generic:SeriesKey>"
                     + "".join(f'<generic:Value id="{d}" value="{v}"/>' for d, v in (*dims, ("geo", geo)))
                     + "</generic:SeriesKey>")
        for year in map(str, range(first, last + 1)):
            value = figures.get((geo, year))
            if value is None and geo != "HU":
                continue                    # Eurostat leaves out what it does not have ...
            obs = (f'<generic:Obs><generic:ObsDimension value="{year}"/>'
                   f'<generic:ObsValue value={quoteattr(value or "NaN")}/>')   # ... or states it as NaN
            if (geo, year) in FLAGS and flow == "demo_pjan":
                obs += f'<generic:Attributes><generic:Value id="OBS_FLAG" value="{FLAGS[geo, year]}"/></generic:Attributes>'
            lines.append(obs + "</generic:Obs>")
        lines.append("</generic:Series>")
    lines += ["</message:DataSet>", "</message:GenericData>", ""]
    return "\n".join(lines)


def dataflow_message(flow: str) -> str:
    _, first, last, _, update, title = FLOWS[flow]
    annotations = (("UPDATE_DATA", update), ("UPDATE_STRUCTURE", "2024-02-27T11:00:00+0100"),
                   ("OBS_PERIOD_OVERALL_OLDEST", "1960"), ("OBS_PERIOD_OVERALL_LATEST", str(last)))
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', f"<message:Structure {NS}>",
        header(flow, "DF") + "</message:Header>",
        "<message:Structures><structure:Dataflows>",
        f'<structure:Dataflow id="{flow.upper()}" urn="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ESTAT:{flow.upper()}(1.0)" '
        'agencyID="ESTAT" version="1.0" isFinal="true">',
        "<common:Annotations>" + "".join(
            f"<common:Annotation><common:AnnotationTitle>{v}</common:AnnotationTitle>"
            f"<common:AnnotationType>{t}</common:AnnotationType></common:Annotation>" for t, v in annotations)
        + "</common:Annotations>",
        f'<common:Name xml:lang="en">{title}</common:Name>',
        f'<structure:Structure><Ref id="{flow.upper()}" version="1.0" agencyID="ESTAT" package="datastructure" class="DataStructure"/></structure:Structure>',
        "</structure:Dataflow>", "</structure:Dataflows></message:Structures>", "</message:Structure>", ""])


def main() -> None:
    geos = participating()
    for flow in FLOWS:
        (HERE / f"{flow}.data.xml").write_text(data_message(flow, geos), encoding="utf-8")
        (HERE / f"{flow}.dataflow.xml").write_text(dataflow_message(flow), encoding="utf-8")
        # the answer to the query with Denmark added (`--geo DK`)
        (HERE / f"{flow}.data-with-DK.xml").write_text(data_message(flow, [*geos, "DK"]), encoding="utf-8")
    # a response in which one asked-for Member State has no series at all
    (HERE / "nama_10_gdp.data-without-MT.xml").write_text(data_message("nama_10_gdp", geos, leave_out="MT"), encoding="utf-8")


if __name__ == "__main__":
    main()
