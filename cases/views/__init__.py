from cases.views.cases import case_detail, case_list, comment_create, vote

__all__ = ["case_detail", "case_list", "comment_create", "vote"]
