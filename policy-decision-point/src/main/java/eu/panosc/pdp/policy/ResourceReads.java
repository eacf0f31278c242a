package eu.panosc.pdp.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fields of {@code resource} a checked CEL condition reads: {@code resource.x} and
 * {@code has(resource.x)} read {@code x}; {@code member(subject, resource)} reads {@code proposal}; any
 * other use of {@code resource} (indexing, passing it elsewhere, a comprehension over it) reads
 * {@link #ANY}. A conservative syntactic over-approximation: it may list a field the condition never
 * reaches, never miss one.
 */
public final class ResourceReads {
  /** Stands for "cannot tell which fields": the condition may read anything. */
  public static final String ANY = "*";

  private ResourceReads() {}

  public static Set<String> of(CelAbstractSyntaxTree ast) {
    Set<String> reads = new TreeSet<>();
    CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .filter(n -> n.getKind() == CelExpr.ExprKind.Kind.IDENT && "resource".equals(n.expr().ident().name()))
        .forEach(n -> reads.add(readOf(n)));
    return Set.copyOf(reads);
  }

  private static String readOf(CelNavigableExpr ident) {
    CelNavigableExpr parent = ident.parent().orElse(null);
    if (parent == null) {
      return ANY;
    }
    CelExpr p = parent.expr();
    if (parent.getKind() == CelExpr.ExprKind.Kind.SELECT && p.select().operand().id() == ident.id()) {
      return p.select().field();
    }
    if (parent.getKind() == CelExpr.ExprKind.Kind.CALL && p.call().target().isEmpty()
        && "member".equals(p.call().function()) && p.call().args().size() == 2
        && p.call().args().get(1).id() == ident.id()) {
      return "proposal";
    }
    return ANY;
  }
}
