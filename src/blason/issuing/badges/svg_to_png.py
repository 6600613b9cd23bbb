"""Draw one SVG as PNG with resvg: the child process of ``blason.issuing.badges.rendering``.

Run as a script (``python -I svg_to_png.py WIDTH HEIGHT MEMORY_BYTES CPU_SECONDS``): the SVG
comes on standard input, the PNG goes to standard output. The limits are set first, in this
process, before anything is read or drawn: an image that needs more memory or time than a badge
ever does kills this process only, never the web process that asked for it. Nothing of Django is
imported here.
"""

from __future__ import annotations

import resource
import sys


def main(argv: list[str]) -> int:
    width, height, memory, cpu = (int(value) for value in argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    svg = sys.stdin.buffer.read()
    import resvg_py

    try:
        png = resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=width, height=height)
    except (ValueError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.buffer.write(bytes(png))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
