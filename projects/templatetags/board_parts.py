"""``{% board_part "name" %}…{% endboard_part %}``: a part of the board page served from
the board's snapshot when it has one (``projects.views.snapshot``), drawn otherwise. The
view's lazy context means a part taken from the cache runs none of its queries."""

from django import template

register = template.Library()


class BoardPartNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        snapshot = context.get("snapshot")
        if snapshot is None:
            return self.nodelist.render(context)
        return snapshot.part(self.name, lambda: self.nodelist.render(context))


@register.tag
def board_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('Usage: {% board_part "name" %}…{% endboard_part %}')
    nodelist = parser.parse(("endboard_part",))
    parser.delete_first_token()
    return BoardPartNode(bits[1][1:-1], nodelist)
