"""Rewriting solution cells the way students do: for the synthetic classes of the similarity report.

Only the code between a source cell's ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines (a *region*, the
student's part) is rewritten; the given code around it stays. Three kinds of rewriting, each driven by an
``rng`` (``random.Random``) so that a seed gives the same class again:

* :func:`honest` writes a student's own version of the instructor's answer: the same computation spelled one of
  many ways (``np.dot(W, A)``, ``W @ A`` or ``W.dot(A)``; operands swapped; intermediate results named;
  ``x = x - y`` as ``x -= y``; f-strings for ``"W" + str(l)``; keywords as positions; own variable names). The
  choices multiply over the regions of an assignment, so independent students differ where a copy cannot.
* :func:`renamed` and :func:`reordered` disguise a copy: every own variable renamed and the comments changed;
  or independent neighbouring statements swapped.

Rewritten regions are valid Python (``ast.unparse``); whether they still compute the right values is not the
point: the similarity report reads code, it does not run it.
"""

from __future__ import annotations

import ast
import random
import re
import textwrap

NAMES = ["tmp", "val", "res", "out", "acc", "part", "step", "cur", "nxt", "prod", "term", "lin", "act",
         "grad", "delta", "upd", "w_mat", "b_vec", "z_val", "a_val", "layer", "idx", "total", "scale"]
COMMENTS = ["# compute it", "# vectorised", "# from the formula", "# see lecture", "# shape check by hand",
            "# TODO tidy", "# careful with axis", "# broadcasting here", "# works on the example"]


def regions(source: str) -> list[tuple[int, int]]:
    """(first, end) line ranges (0-based, end excluded) of the code between solution markers."""
    lines, found, start = source.split("\n"), [], None
    for i, line in enumerate(lines):
        if "BEGIN SOLUTION" in line:
            start = i + 1
        elif "END SOLUTION" in line and start is not None:
            found.append((start, i))
            start = None
    return found


def map_regions(source: str, change) -> str:
    """``source`` with each region's code replaced by ``change(dedented code) -> code`` (re-indented), and the
    markers removed (as a student's cell has none)."""
    lines = source.split("\n")
    out, last = [], 0
    for first, end in regions(source):
        out += lines[last:first - 1]
        body = "\n".join(lines[first:end])
        indent = re.match(r"\s*", next((x for x in lines[first:end] if x.strip()), "")).group()
        try:
            new = change(textwrap.dedent(body))
        except SyntaxError:
            new = textwrap.dedent(body)
        out += [indent + x if x.strip() else x for x in new.split("\n")]
        last = end + 1
    return "\n".join(out + lines[last:])


def _is_np(node: ast.AST, name: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "np")


class _Spell(ast.NodeTransformer):
    """Expression-level choices of spelling, each made at random."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        rng = self.rng
        if _is_np(node, "dot") and len(node.args) == 2 and not node.keywords and rng.random() < 0.6:
            left, right = node.args
            if rng.random() < 0.5:
                return ast.BinOp(left, ast.MatMult(), right)
            return ast.Call(ast.Attribute(left, "dot", ast.Load()), [right], [])
        if _is_np(node, "sum") and len(node.args) == 1 and rng.random() < 0.5:
            return ast.Call(ast.Attribute(node.args[0], "sum", ast.Load()), [], node.keywords)
        if _is_np(node, "divide") and len(node.args) == 2 and rng.random() < 0.5:
            return ast.BinOp(node.args[0], ast.Div(), node.args[1])
        if _is_np(node, "zeros") and len(node.args) == 1 and isinstance(node.args[0], ast.Tuple) and rng.random() < 0.6:
            if rng.random() < 0.5:
                return ast.Call(node.func, [], [ast.keyword("shape", node.args[0])])
            return ast.Call(node.func, [ast.List(node.args[0].elts, ast.Load())], node.keywords)
        if isinstance(node.func, ast.Name) and node.func.id == "range" and len(node.args) == 2 and rng.random() < 0.4:
            node.args.append(ast.Constant(1))
        if isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 and rng.random() < 0.3:
            return ast.Subscript(ast.Attribute(node.args[0], "shape", ast.Load()), ast.Constant(0), ast.Load())
        if node.keywords and rng.random() < 0.4:
            if all(k.arg is not None for k in node.keywords) and len(node.keywords) > 1:
                node.keywords = node.keywords[::-1]
            elif len(node.keywords) == 1 and node.keywords[0].arg == "activation":
                node.args, node.keywords = node.args + [node.keywords[0].value], []
        return node

    def visit_BinOp(self, node: ast.BinOp):
        self.generic_visit(node)
        rng = self.rng
        if isinstance(node.op, (ast.Add, ast.Mult)) and rng.random() < 0.4 and not any(
                isinstance(side, ast.Constant) and isinstance(side.value, str) for side in (node.left, node.right)):
            return ast.BinOp(node.right, node.op, node.left)
        if (isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                and isinstance(node.right, ast.Call) and getattr(node.right.func, "id", "") == "str"
                and rng.random() < 0.5):
            return ast.JoinedStr([ast.Constant(node.left.value),
                                  ast.FormattedValue(node.right.args[0], -1, None)])
        if (isinstance(node.op, ast.Mult) and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Div)
                and isinstance(node.left.left, ast.Constant) and node.left.left.value == 1 and rng.random() < 0.5):
            return ast.BinOp(node.right, ast.Div(), node.left.right)
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and node.right.value == 2 \
                and rng.random() < 0.5:
            return ast.BinOp(node.left, ast.Mult(), node.left) if rng.random() < 0.5 else \
                ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "square", ast.Load()), [node.left], [])
        return node

    def visit_Attribute(self, node: ast.Attribute):
        self.generic_visit(node)
        if node.attr == "T" and self.rng.random() < 0.4:
            if self.rng.random() < 0.5:
                return ast.Call(ast.Attribute(node.value, "transpose", ast.Load()), [], [])
            return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "transpose", ast.Load()), [node.value], [])
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp):
        self.generic_visit(node)
        inner = node.operand
        if isinstance(node.op, ast.USub) and isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub) \
                and self.rng.random() < 0.5:
            return ast.BinOp(inner.right, ast.Sub(), inner.left)
        return node

    def visit_Constant(self, node: ast.Constant):
        if type(node.value) is int and node.value in (1, 2) and self.rng.random() < 0.3:
            return ast.Constant(float(node.value))
        return node


def _hoistable(node: ast.AST) -> list[ast.AST]:
    """Sub-expressions of a statement's value a student might name first: call arguments that compute
    something, and calls inside arithmetic."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            found += [a for a in sub.args if isinstance(a, (ast.Call, ast.BinOp, ast.Subscript))]
        elif isinstance(sub, ast.BinOp):
            found += [s for s in (sub.left, sub.right) if isinstance(s, ast.Call)]
    return found


def _statements(body: list[ast.stmt], rng: random.Random, names: list[str]) -> list[ast.stmt]:
    """A statement list with intermediate results named, ``x = x - y`` as ``x -= y`` and returned
    expressions named first, each at random."""
    out: list[ast.stmt] = []
    for stmt in body:
        for field_name in ("body", "orelse"):
            if isinstance(getattr(stmt, field_name, None), list) and not isinstance(stmt, ast.FunctionDef):
                setattr(stmt, field_name, _statements(getattr(stmt, field_name), rng, names))
        value = getattr(stmt, "value", None)
        if isinstance(stmt, (ast.Assign, ast.Return)) and value is not None:
            for sub in _hoistable(value):
                if rng.random() < 0.35 and names:
                    name = names.pop()
                    out.append(ast.Assign([ast.Name(name, ast.Store())], _copy(sub), lineno=0))
                    _replace(stmt, sub, ast.Name(name, ast.Load()))
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.BinOp)
                and isinstance(stmt.value.op, (ast.Sub, ast.Add))
                and ast.dump(stmt.value.left) == ast.dump(stmt.targets[0]).replace("Store", "Load")
                and rng.random() < 0.5):
            stmt = ast.AugAssign(stmt.targets[0], stmt.value.op, stmt.value.right)
        out.append(stmt)
    return out


def _copy(node: ast.AST) -> ast.AST:
    return ast.parse(ast.unparse(node), mode="eval").body


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new


def assigned_names(code: str) -> list[str]:
    """The plain names ``code`` assigns (targets and loop variables), in order of first appearance."""
    names: list[str] = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def rename(source: str, code_names: list[str], template: str, rng: random.Random, prefix: str = "") -> str:
    """``source`` with each of ``code_names`` that the ``template`` does not use renamed (whole words)."""
    pool = [n for n in NAMES if n not in source]
    rng.shuffle(pool)
    for old in code_names:
        if re.search(r"\b%s\b" % re.escape(old), template) or not pool:
            continue
        source = re.sub(r"(?<![\w.\"'])%s\b" % re.escape(old), prefix + pool.pop(), source)
    return source


def honest(solution_cell: str, rng: random.Random) -> str:
    """A student's own version of a source solution cell (markers removed)."""
    def change(code: str) -> str:
        tree = ast.parse(code)
        names = [n for n in NAMES if n not in code]
        rng.shuffle(names)
        tree.body = _statements(tree.body, rng, names)
        tree = _Spell(rng).visit(tree)
        text = ast.unparse(ast.fix_missing_locations(tree))
        lines = text.split("\n")
        if rng.random() < 0.4:
            at = rng.randrange(len(lines))
            lines.insert(at, re.match(r"\s*", lines[at]).group() + rng.choice(COMMENTS))
        return "\n".join(lines)
    return map_regions(solution_cell, change)


def renamed(student_cell: str, template: str, rng: random.Random) -> str:
    """A copy of a student's cell with their variables renamed and their comments replaced."""
    own = "\n".join(line for line in student_cell.split("\n") if line.strip() not in
                    {t.strip() for t in template.split("\n")})
    try:
        names = assigned_names(textwrap.dedent(own))
    except SyntaxError:
        names = re.findall(r"^\s*([A-Za-z_]\w*)\s*=", own, re.M)
    text = rename(student_cell, names, template, rng, prefix="my_")
    lines = [line for line in text.split("\n") if not line.strip().startswith("#") or line.strip() in
             {t.strip() for t in template.split("\n")}]
    at = rng.randrange(len(lines))
    lines.insert(at, re.match(r"\s*", lines[at]).group() + "# " + rng.choice(NAMES) + " as in the notes")
    return "\n".join(lines)


def _independent(a: ast.stmt, b: ast.stmt) -> bool:
    """Whether two neighbouring simple statements can swap (neither reads or writes what the other writes)."""
    if not all(isinstance(s, (ast.Assign, ast.AugAssign, ast.Expr)) for s in (a, b)):
        return False

    def names(stmt, ctx):
        return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)} | (
            {ast.unparse(t) for t in getattr(stmt, "targets", [getattr(stmt, "target", None)]) if t is not None}
            if ctx is ast.Store else set())

    def reads(stmt):
        return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}

    wa, wb = names(a, ast.Store), names(b, ast.Store)
    return not (wa & reads(b) or wb & reads(a) or wa & wb or "append" in ast.unparse(a) + ast.unparse(b))


def _swap(body: list[ast.stmt]) -> list[ast.stmt]:
    for stmt in body:
        for field_name in ("body", "orelse"):
            if isinstance(getattr(stmt, field_name, None), list):
                setattr(stmt, field_name, _swap(getattr(stmt, field_name)))
    out, i = [], 0
    while i < len(body):
        if i + 1 < len(body) and _independent(body[i], body[i + 1]):
            out += [body[i + 1], body[i]]
            i += 2
        else:
            out.append(body[i])
            i += 1
    return out


def reordered(student_cell: str, template: str) -> str:
    """A copy of a student's cell with neighbouring independent statements of their own swapped (the cell's
    given lines stay where they are)."""
    given = {t.strip() for t in template.split("\n")}
    lines = student_cell.split("\n")
    out, i = [], 0
    while i < len(lines):   # runs of own lines at one indentation are the student's regions
        if lines[i].strip() and lines[i].strip() not in given:
            j = i
            while j < len(lines) and lines[j].strip() and lines[j].strip() not in given:
                j += 1
            block = "\n".join(lines[i:j])
            indent = re.match(r"\s*", lines[i]).group()
            try:
                tree = ast.parse(textwrap.dedent(block))
                tree.body = _swap(tree.body)
                block = textwrap.indent(ast.unparse(tree), indent)
            except (SyntaxError, ValueError):
                pass
            out += block.split("\n")
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)
