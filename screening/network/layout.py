"""Node positions for drawings, computed once in Python so every view shows the same map.

Small graphs use networkx's Fruchterman-Reingold (``nx.spring_layout``). Its cost
grows with the square of the node count (and needs SciPy from 500 nodes), which
takes minutes at a few thousand accounts; larger graphs therefore use the same
forces with the repulsion summed on a grid by FFT (a particle-mesh method), which
grows with the nodes plus the grid: about 1 s for 2,500 accounts, 3 s for 10,000.
Positions are deterministic (fixed seed) and scaled into [-1, 1].
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

SEED = 7
EXACT_UP_TO = 400
"""Above this many nodes the grid method is used."""

_Array = npt.NDArray[np.float64]


def positions(graph: nx.Graph[Any]) -> dict[Hashable, tuple[float, float]]:
    """Positions in [-1, 1] for every node; edge direction and parallel edges are ignored.

    >>> where = positions(nx.path_graph(3))
    >>> sorted(where) == [0, 1, 2] and all(-1 <= c <= 1 for xy in where.values() for c in xy)
    True
    """
    simple: nx.Graph[Hashable] = nx.Graph(graph)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    nodes = list(simple)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) <= EXACT_UP_TO:
        placed = nx.spring_layout(simple, seed=SEED, method="force", iterations=100)
        coords = np.array([placed[n] for n in nodes], dtype=np.float64)
    else:
        index = {node: i for i, node in enumerate(nodes)}
        pairs = np.array([(index[u], index[v]) for u, v in simple.edges()], dtype=np.intp).reshape(-1, 2)
        coords = _grid_layout(len(nodes), pairs)
    coords = _scaled(coords)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, coords, strict=True)}


def _scaled(coords: _Array) -> _Array:
    centred = coords - coords.mean(axis=0)
    extent = float(np.abs(centred).max())
    scaled: _Array = centred / extent if extent > 0 else centred
    return scaled


def _grid_layout(count: int, pairs: npt.NDArray[np.intp], iterations: int = 150, cells: int = 128) -> _Array:
    """Fruchterman-Reingold with attraction along edges and FFT-summed repulsion on a grid."""
    rng = np.random.default_rng(SEED)
    pos = rng.random((count, 2))
    k = 1.0 / np.sqrt(count)
    kernels = _unit_kernels(cells)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        disp = _repulsion(pos, k, cells, kernels, rng)
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 1e-9)
            pull = delta * (dist / k)[:, None]
            np.add.at(disp, pairs[:, 0], -pull)
            np.add.at(disp, pairs[:, 1], pull)
        disp -= 0.05 * (pos - pos.mean(axis=0)) / k  # gravity keeps separate components in view
        length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _unit_kernels(cells: int) -> tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128]]:
    """Spectra of r/|r|² over grid offsets in cell units (zero-padded to avoid wrap-around)."""
    offsets = np.fft.fftfreq(2 * cells, 1.0 / (2 * cells))
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    square = dx * dx + dy * dy
    square[0, 0] = np.inf
    return np.fft.rfft2(dx / square), np.fft.rfft2(dy / square)


def _repulsion(
    pos: _Array,
    k: float,
    cells: int,
    kernels: tuple[npt.NDArray[np.complex128], npt.NDArray[np.complex128]],
    rng: np.random.Generator,
) -> _Array:
    """Repulsive displacement k²·r/|r|² from all other nodes, summed on a grid by FFT."""
    low = pos.min(axis=0)
    span = max(float((pos.max(axis=0) - low).max()), 1e-6) * (1 + 1e-9)
    step = span / cells
    cell = np.minimum(((pos - low) / step).astype(np.intp), cells - 1)
    flat = cell[:, 0] * cells + cell[:, 1]
    mass = np.bincount(flat, minlength=cells * cells).astype(np.float64)
    density = np.zeros((2 * cells, 2 * cells))
    density[:cells, :cells] = mass.reshape(cells, cells)
    spectrum = np.fft.rfft2(density) * (k * k / step)  # the kernel in cell units, scaled to distances
    field_x = np.fft.irfft2(spectrum * kernels[0], s=density.shape)
    field_y = np.fft.irfft2(spectrum * kernels[1], s=density.shape)
    disp = np.column_stack((field_x[cell[:, 0], cell[:, 1]], field_y[cell[:, 0], cell[:, 1]]))
    # Nodes sharing a cell: push each away from the centroid of its cell mates.
    shared = mass[flat] > 1
    if shared.any():
        sums = np.column_stack(
            (
                np.bincount(flat, weights=pos[:, 0], minlength=cells * cells),
                np.bincount(flat, weights=pos[:, 1], minlength=cells * cells),
            )
        )
        mates = mass[flat][shared] - 1
        centroid = (sums[flat[shared]] - pos[shared]) / mates[:, None]
        away = pos[shared] - centroid + rng.normal(0.0, step * 1e-3, (int(shared.sum()), 2))
        square_away = np.maximum((away * away).sum(axis=1), (step * 1e-3) ** 2)
        disp[shared] += mates[:, None] * k * k * away / square_away[:, None]
    return disp
